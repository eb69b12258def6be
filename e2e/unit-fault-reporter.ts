/**
 * A Vitest reporter for the unit suite's reliability faults: every run writes
 * reports/reliability-unit.json (ignored by git) with each `faultTest()` test (src/core/fault-test-support.ts),
 * its class, the cases it tried, handled and lost, and whether the run was whole (every test file
 * of the suite selected, no name filter, not interrupted). The e2e reporter joins it with its own
 * rows into docs/reliability.md, and only when it was whole (`npm run test:reliability`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { Reporter, TestModule, TestRunEndReason, TestSpecification, Vitest } from 'vitest/node';
// The type import brings in the test meta's `fault` field that module declares for Vitest.
import type {} from '../src/core/fault-test-support.ts';
import { errorLine, UNIT_REPORT_FILE, type FaultRow, type RunReport } from './reliability-doc.ts';

/** Writes the unit run's fault report; see the module header. */
export default class UnitFaultReporter implements Reporter {
  #vitest: Vitest | undefined;
  #started = new Date();
  /** Why the run is not whole, or null while it is. */
  #partial: string | null = null;

  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
  }

  async onTestRunStart(specifications: ReadonlyArray<TestSpecification>): Promise<void> {
    this.#started = new Date();
    const vitest = this.#vitest;
    if (vitest === undefined) return;
    const all = await vitest.globTestSpecifications();
    const pattern = vitest.config.testNamePattern;
    if (pattern !== undefined) this.#partial = `tests filtered by name (${String(pattern)})`;
    else if (specifications.length < all.length) this.#partial = `${specifications.length} of the suite's ${all.length} test files selected`;
    else this.#partial = null;
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>, _errors: unknown, reason: TestRunEndReason): Promise<void> {
    const root = this.#vitest?.config.root ?? process.cwd();
    const rows: FaultRow[] = [];
    let tests = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        tests += 1;
        const result = test.result();
        if (result.state === 'skipped') skipped += 1;
        const fault = test.meta().fault;
        if (fault === undefined) continue;
        const error = result.state === 'failed' ? (result.errors[0]?.message ?? 'failed') : null;
        rows.push({
          file: relative(root, module.moduleId).split('\\').join('/'),
          title: test.fullName,
          faultClass: fault.faultClass,
          fault: fault.description,
          status: result.state,
          durationMs: test.diagnostic()?.duration ?? 0,
          tried: fault.tried,
          handled: fault.handled,
          lost: fault.lost,
          observed: fault.observed,
          error: error === null ? null : errorLine(error),
        });
      }
    }
    const partial = reason === 'interrupted' ? 'the run was interrupted' : this.#partial;
    const report: RunReport = {
      suite: 'unit (Vitest)',
      started: this.#started.toISOString(),
      environment: `Node ${process.version}`,
      tests,
      skipped,
      whole: partial === null,
      scope: partial === null ? 'Every test file ran.' : `A partial run: ${partial}.`,
      rows,
    };
    const path = resolve(root, UNIT_REPORT_FILE);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
  }
}
