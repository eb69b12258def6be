import { describe, expect, it } from 'vitest';
import { createPopularityMethod } from './baselines.ts';
import type { EvalCase } from './dataset.ts';

/** A case masking `masked`; the popularity methods read nothing else of it. */
function caseMasking(...masked: number[]): EvalCase {
  return { user: 0, history: [], historyLength: 0, targets: [9], masked: new Set(masked) };
}

describe('createPopularityMethod', () => {
  // Rows 1, 2 and 4 share the top count; row 1 is masked.
  const counts = Float32Array.from([1, 3, 3, 0, 3]);

  it('ranks by count, masked rows left out, equal counts lower row first by default', async () => {
    const method = createPopularityMethod('popularity', 'counts', counts);
    expect(await method.rank([caseMasking(1), caseMasking()], 4)).toEqual([
      [2, 4, 0, 3],
      [1, 2, 4, 0],
    ]);
  });

  it('ranks equal counts higher row first when asked, as the published PopRec orders them, masking the same rows', async () => {
    const method = createPopularityMethod('popularity-published', 'counts', counts, 'higher row first');
    expect(await method.rank([caseMasking(1), caseMasking()], 4)).toEqual([
      [4, 2, 0, 3],
      [4, 2, 1, 0],
    ]);
  });
});
