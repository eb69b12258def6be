import fc from 'fast-check';
import type { TestContext } from 'vitest';
import { describe, expect, it } from 'vitest';
import { faultTest, type FaultProbe, type FaultRecord } from './fault-test-support.ts';

/** Runs a fault test's function on a stand-in context; gives the record it wrote and what it threw. */
async function run(body: (fault: FaultProbe) => void | Promise<void>): Promise<{ record: FaultRecord | undefined; error: unknown }> {
  const task = { meta: {} as { fault?: FaultRecord } };
  let error: unknown = null;
  try {
    // Only `task.meta` of the context is read.
    await faultTest('Model files', 'a fault', body)({ task } as unknown as TestContext);
  } catch (thrown) {
    error = thrown;
  }
  return { record: task.meta.fault, error };
}

describe('faultTest', () => {
  it('counts a body that counts nothing as one case, handled when it passes and lost when it throws', async () => {
    const passed = await run(() => undefined);
    expect(passed.record).toEqual({ faultClass: 'Model files', description: 'a fault', tried: 1, handled: 1, lost: 0, observed: [] });
    expect(passed.error).toBeNull();
    const failed = await run(() => {
      throw new Error('boom');
    });
    expect(failed.record).toMatchObject({ tried: 1, handled: 0, lost: 1 });
    expect(failed.error).toEqual(new Error('boom'));
  });

  it('runs every case, counting each, and fails naming the lost ones after all have run', async () => {
    const seen: number[] = [];
    const { record, error } = await run((fault) =>
      fault.cases([1, 2, 3, 4], (n) => {
        seen.push(n);
        if (n % 2 === 0) throw new Error(`even ${n}`);
      }),
    );
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(record).toMatchObject({ tried: 4, handled: 2, lost: 2 });
    expect(String(error)).toBe('Error: 2 of 4 cases lost:\n2: even 2\n4: even 4');
  });

  it("counts a property's runs, the failing run as the one lost, and fails with fast-check's report", async () => {
    const passing = await run((fault) =>
      fault.property(
        fc.property(fc.integer(), (n) => Number.isInteger(n)),
        { numRuns: 37 },
      ),
    );
    expect(passing.record).toMatchObject({ tried: 37, handled: 37, lost: 0 });
    expect(passing.error).toBeNull();
    // The 6th value is the first to fail: 5 runs handled, then the lost one.
    const values = [1, 2, 3, 4, 5, -1, 7];
    let next = 0;
    const failing = await run((fault) =>
      fault.property(
        fc.property(
          fc.constant(null).map(() => values[next++] ?? 0),
          (n) => n > 0,
        ),
        { numRuns: 7, endOnFailure: true },
      ),
    );
    expect(failing.record).toMatchObject({ tried: 6, handled: 5, lost: 1 });
    expect(String(failing.error)).toMatch(/^Error: 1 of 6 cases lost:\nProperty failed after 6 tests/);
  });

  it('counts a failure after counted cases as one lost case, and keeps what was observed', async () => {
    const { record, error } = await run(async (fault) => {
      await fault.cases(['a'], () => undefined);
      fault.observe('saw a');
      throw new Error('late');
    });
    expect(record).toMatchObject({ tried: 2, handled: 1, lost: 1, observed: ['saw a'] });
    expect(error).toEqual(new Error('late'));
  });
});
