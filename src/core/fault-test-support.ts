/**
 * The reliability-fault convention of the unit tests (never imported by app code), the Vitest twin
 * of e2e/fixtures.ts's `fault()`: a test that tries one class of bad input or failure says so, and
 * counts the cases it tried, handled and lost, for the fault table of docs/reliability.md
 * (e2e/unit-fault-reporter.ts reads them from the test's meta).
 *
 *   it('refuses a 9999 date', faultTest('Dates out of range', 'One event dated 9999-12-31', () => { ... }));
 *
 * A test whose body counts nothing is one case: handled if it passes, lost if it throws. A body can
 * count its own cases instead: `fault.cases(inputs, check)` runs every input (a failing one does not
 * hide the rest) and `fault.property(property, parameters)` runs a fast-check property, counting
 * its runs. `fault.observe(text)` records what the code did, as the e2e `observe()` does.
 */
import fc from 'fast-check';
import type { TestContext } from 'vitest';

/** What one fault test tried and what came of it; the reporter reads it from the test's meta. */
export interface FaultRecord {
  readonly faultClass: string;
  readonly description: string;
  tried: number;
  handled: number;
  lost: number;
  readonly observed: string[];
}

declare module 'vitest' {
  interface TaskMeta {
    fault?: FaultRecord;
  }
}

/** What a fault test's body may do besides asserting: count its cases, record what it saw. */
export interface FaultProbe {
  /** Checks each input; every one runs, and the test fails after them naming those that failed. */
  cases<T>(inputs: readonly T[], check: (input: T) => void | Promise<void>, name?: (input: T) => string): Promise<void>;
  /** Runs a fast-check property (sync or async) like `fc.assert`, each run a case. */
  property<Ts>(property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>, parameters?: fc.Parameters<Ts>): Promise<void>;
  /** Records what the code did under the fault, shown beside the row. */
  observe(outcome: string): void;
}

/**
 * A Vitest test function for one fault of `faultClass` (a class named in e2e/reliability-doc.ts).
 * @param description the fault, as a shopper, shop developer or operator would meet it.
 */
export function faultTest(faultClass: string, description: string, body: (fault: FaultProbe) => void | Promise<void>): (context: TestContext) => Promise<void> {
  return async ({ task }) => {
    const record: FaultRecord = { faultClass, description, tried: 0, handled: 0, lost: 0, observed: [] };
    task.meta.fault = record;
    const failures: string[] = [];
    const count = (handled: number, lost: number): void => {
      record.tried += handled + lost;
      record.handled += handled;
      record.lost += lost;
    };
    const probe: FaultProbe = {
      async cases(inputs, check, name = (input) => String(input).slice(0, 80)) {
        for (const input of inputs) {
          try {
            await check(input);
            count(1, 0);
          } catch (error) {
            count(0, 1);
            failures.push(`${name(input)}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      },
      async property(property, parameters) {
        const details = await fc.check(property as fc.IAsyncProperty<unknown>, parameters as fc.Parameters<unknown> | undefined);
        // numRuns counts the failing run when there is one.
        count(details.failed ? details.numRuns - 1 : details.numRuns, details.failed ? 1 : 0);
        if (details.failed) failures.push(fc.defaultReportMessage(details) ?? 'the property failed');
      },
      observe(outcome) {
        record.observed.push(outcome);
      },
    };
    try {
      await body(probe);
    } catch (error) {
      // An assertion outside the counted cases failed: the test lost at least one case.
      if (record.lost === 0) count(0, 1);
      throw error;
    }
    if (record.tried === 0) count(1, 0);
    if (failures.length > 0) throw new Error(`${failures.length} of ${record.tried} cases lost:\n${failures.join('\n')}`);
  };
}
