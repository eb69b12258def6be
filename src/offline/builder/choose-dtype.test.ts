import { describe, expect, it } from 'vitest';
import type { InteractionPlan } from '../lib/sequences.ts';
import { sampleInOrder } from '../lib/sequences.ts';
import { chooseDtype, RECALL_K } from './choose-dtype.ts';

type Options = Parameters<typeof chooseDtype>[4];
type Run = Parameters<typeof chooseDtype>[5];

/**
 * A 2-d catalogue of 52 unit rows whose float32 top 50 for the history [0] is known by hand:
 * row 0 is h = (1, 0), rows 1..49 the same vector (0.6, 0.8) far above the rest, and rows 50 and 51
 * two close items at x = `low` and x = `high`. Against h only the 51st best is left out, so a
 * quantisation that swaps rows 50 and 51 keeps 49 of 50 (recall 0.98) and any other keeps 50.
 */
function catalogue(low: number, high: number): Float32Array {
  const rows = [[1, 0], ...Array.from({ length: 49 }, () => [0.6, 0.8]), ...[low, high].map((x) => [x, Math.sqrt(1 - x * x)])];
  return Float32Array.from(rows.flat());
}
const COUNT = 52;
const DIM = 2;
// int8 rounds both x to 13 steps of a per-row scale, and row 50's scale is larger: int8 puts it
// first; float16 keeps row 51 (0.1015) first. Recall for [0]: float16 1, int8 0.98.
const INT8_SWAPS = catalogue(0.1, 0.1015);
// 0.1 and 0.100005 are the same float16 (and the same int8 steps): tied, the earlier row 50 wins in
// both, where float32 ranks row 51 first. Recall for [0]: float16 0.98, int8 0.98.
const BOTH_SWAP = catalogue(0.1, 0.100005);

/** A plan whose histories (already the sample) are these. */
function plan(histories: readonly (readonly number[])[]): InteractionPlan {
  return {
    sequences: [],
    decayedCounts: new Map(),
    trainingEvents: 0,
    historyCount: histories.length,
    sampledHistories: histories,
    heldOut: 0,
    ungrouped: 0,
    users: histories.length,
    itemsWithEvents: 0,
    latestTime: 0,
  };
}

/** A BuildRun that records the step, the progress bar and the warnings. */
function recordingRun() {
  const calls = { steps: [] as string[], bars: [] as string[], updates: [] as number[], finished: 0, loud: [] as string[] };
  const run: Run = {
    timed: async (step, work) => {
      calls.steps.push(step);
      return work();
    },
    progress: (label, total) => {
      calls.bars.push(`${label} / ${total}`);
      return { update: (done) => calls.updates.push(done), finish: () => calls.finished++ };
    },
    loud: (message) => calls.loud.push(message),
  };
  return { run, calls };
}

function options(dtype: Options['dtype'], minRecall: number, recallSample = 1000): Options {
  return { dtype, minRecall, recallSample, seed: 7 };
}

describe('chooseDtype on user histories', () => {
  // [case, vectors, --dtype, --min-recall, stored type, types below the minimum, warnings]
  const cases: [string, Float32Array, Options['dtype'], number, string, string[], string[]][] = [
    ['auto keeps int8 when its recall equals the minimum', INT8_SWAPS, 'auto', 0.98, 'int8', [], []],
    ['auto keeps int8 when both equal the minimum', BOTH_SWAP, 'auto', 0.98, 'int8', [], []],
    [
      'auto falls back to float16 when only int8 is below',
      INT8_SWAPS,
      'auto',
      0.99,
      'float16',
      ['int8'],
      ['int8 recall@50 is 0.9800, below the minimum 0.99 (not used: stored as float16)'],
    ],
    [
      'auto keeps float16 when int8 is below and float16 equals the minimum',
      INT8_SWAPS,
      'auto',
      1,
      'float16',
      ['int8'],
      ['int8 recall@50 is 0.9800, below the minimum 1 (not used: stored as float16)'],
    ],
    [
      'auto falls back to float32 when both are below',
      BOTH_SWAP,
      'auto',
      0.99,
      'float32',
      ['float16', 'int8'],
      [
        'float16 recall@50 is 0.9800, below the minimum 0.99 (not used: stored as float32)',
        'int8 recall@50 is 0.9800, below the minimum 0.99 (not used: stored as float32)',
      ],
    ],
    // What build-model.ts refuses with exit 3: int8 asked for, stored as int8, and listed below.
    [
      'int8 asked for stays int8 below the minimum, and says so',
      INT8_SWAPS,
      'int8',
      0.99,
      'int8',
      ['int8'],
      ['int8 recall@50 is 0.9800, below the minimum 0.99'],
    ],
    ['float16 asked for stays float16 though int8 holds', INT8_SWAPS, 'float16', 0.98, 'float16', [], []],
    [
      'float32 asked for stays float32 though float16 holds',
      INT8_SWAPS,
      'float32',
      0.99,
      'float32',
      ['int8'],
      ['int8 recall@50 is 0.9800, below the minimum 0.99 (not used: stored as float32)'],
    ],
    [
      'float16 asked for stays float16 below the minimum',
      BOTH_SWAP,
      'float16',
      0.99,
      'float16',
      ['float16', 'int8'],
      ['float16 recall@50 is 0.9800, below the minimum 0.99', 'int8 recall@50 is 0.9800, below the minimum 0.99 (not used: stored as float16)'],
    ],
  ];
  it.each(cases)('%s: the stored type, the report and the warnings', async (_, vectors, dtype, minRecall, stored, below, warnings) => {
    const { run, calls } = recordingRun();
    const float16 = vectors === INT8_SWAPS ? 1 : 0.98;
    const result = await chooseDtype(vectors, COUNT, DIM, plan([[0]]), options(dtype, minRecall), run);
    expect(result).toEqual({
      dtype: stored,
      report: {
        k: 50,
        histories: 1,
        source: 'user histories',
        recall: { float16, int8: 0.98 },
        minRecall,
        dtype: stored,
        requestedDtype: dtype,
        belowThreshold: below,
      },
    });
    expect(calls.loud).toEqual(warnings);
  });

  it('averages over every history, with one timed step and one progress bar moved every 16 histories', async () => {
    expect(RECALL_K).toBe(50);
    // 120 histories [0] (int8 keeps 49 of 50) and 30 histories [1] (a filler: every quantisation
    // leaves out h, recall 1): (120 * 0.98 + 30) / 150 = 0.984. Scored 16 at a time, the last group
    // is 6 histories [1]; a mean of the groups' means would be 0.985.
    const histories = [...Array.from({ length: 120 }, () => [0]), ...Array.from({ length: 30 }, () => [1])];
    const { run, calls } = recordingRun();
    const result = await chooseDtype(INT8_SWAPS, COUNT, DIM, plan(histories), options('auto', 0.98), run);
    expect(result.report.recall).toEqual({ float16: 1, int8: 0.984 });
    expect(result.report.histories).toBe(150);
    expect(result.dtype).toBe('int8');
    expect(calls).toEqual({
      steps: ['quantisation check'],
      bars: ['quantisation check (histories) / 150'],
      updates: [16, 32, 48, 64, 80, 96, 112, 128, 144, 150],
      finished: 1,
      loud: [],
    });
  });
});

describe('chooseDtype without user histories', () => {
  // Each row alone is a query. Only h's query (row 0) has rows 50 and 51 at its cut; every other
  // row's 51st best is h itself in every type. int8 recall: (51 + 0.98) / 52 = 0.999615… → 0.99962.
  it.each([
    ['no event log', null],
    ['a log without positive histories', plan([])],
  ])('with %s queries single items, each row once, rounded to 5 digits', async (_, withPlan) => {
    const { run, calls } = recordingRun();
    const result = await chooseDtype(INT8_SWAPS, COUNT, DIM, withPlan, options('auto', 0.9997), run);
    expect(result).toEqual({
      dtype: 'float16',
      report: {
        k: 50,
        histories: 52,
        source: 'single-item queries (no user histories)',
        recall: { float16: 1, int8: 0.99962 },
        minRecall: 0.9997,
        dtype: 'float16',
        requestedDtype: 'auto',
        belowThreshold: ['int8'],
      },
    });
    expect(calls.loud).toEqual(['int8 recall@50 is 0.9996, below the minimum 0.9997 (not used: stored as float16)']);
  });

  it('samples --recall-sample of the rows as queries', async () => {
    const result = await chooseDtype(INT8_SWAPS, COUNT, DIM, null, options('auto', 0.99, 10), recordingRun().run);
    // Seed 7's sample of 10 rows includes row 0, the only query that loses anything (one of 50
    // under int8): int8 recall (9 + 0.98) / 10.
    const sampled = sampleInOrder(
      Array.from({ length: COUNT }, (_, row) => row),
      10,
      7,
    );
    expect(sampled).toContain(0);
    expect(result.report).toMatchObject({ histories: 10, recall: { float16: 1, int8: 0.998 } });
  });

  it('with nothing to measure (no rows) reports recall 0, not NaN, so auto keeps float32', async () => {
    const { run, calls } = recordingRun();
    const result = await chooseDtype(new Float32Array(0), 0, DIM, null, options('auto', 0.99), run);
    expect(result.dtype).toBe('float32');
    expect(result.report).toMatchObject({ histories: 0, recall: { float16: 0, int8: 0 }, belowThreshold: ['float16', 'int8'] });
    expect(calls.updates).toEqual([]);
    expect(calls.finished).toBe(1);
  });
});
