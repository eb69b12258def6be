import { describe, expect, it } from 'vitest';
import { REASON_MIN_SIMILARITY } from './constants.ts';
import { explainRow } from './explain.ts';
import { toItemId } from './ids.ts';
import { float32Matrix } from './item-matrix.ts';
import type { LoadedModel } from './model.ts';
import { emptyState, type InterestState } from './state.ts';
import { makeFixtureModel } from './test-support.ts';

/** Unit vectors in 3-d whose cosines are easy to read: row 0 is the card in most tests. */
const VECTORS = [
  [1, 0, 0], // 0: the card
  [0.8, 0.6, 0], // 1: cosine 0.8 with row 0
  [0.6, 0.8, 0], // 2: cosine 0.6
  [0, 0, 1], // 3: cosine 0
  [0.8, 0, 0.6], // 4: cosine 0.8, like row 1
];

function model(): LoadedModel {
  const base = makeFixtureModel({ count: VECTORS.length, dim: 3, categories: 1 });
  const vectors = Float32Array.from(VECTORS.flat());
  return { ...base, matrix: float32Matrix(vectors, 3), vectors };
}

const item = (row: number) => toItemId(`i${row}`);

/** A state whose recent interactions are the given rows, most recent first, and an optional last query. */
function state(recent: readonly { row: number | string; type?: 'view' | 'add_to_cart' }[], query: string | null = null): InterestState {
  const base = emptyState('fixture', 3);
  return {
    ...base,
    recent: recent.map(({ row, type = 'view' }) => ({ item: typeof row === 'number' ? item(row) : toItemId(row), type, time: 1 })),
    lastQuery: query === null ? null : { query, time: 1 },
  };
}

describe('explainRow: like something the shopper interacted with', () => {
  it('names the most similar recent item, whatever its place in the list, with the interaction that brought it', () => {
    const m = model();
    for (const recent of [
      [{ row: 1, type: 'add_to_cart' as const }, { row: 2 }],
      [{ row: 2 }, { row: 1, type: 'add_to_cart' as const }],
    ]) {
      expect(explainRow(m, 0, state(recent), null)).toEqual({ kind: 'similar', to: m.items[1], via: 'add_to_cart' });
    }
  });

  it('keeps the first (most recent) of two equally similar items', () => {
    const m = model();
    expect(explainRow(m, 0, state([{ row: 4 }, { row: 1 }]), null)).toMatchObject({ to: { id: item(4) } });
    expect(explainRow(m, 0, state([{ row: 1 }, { row: 4 }]), null)).toMatchObject({ to: { id: item(1) } });
  });

  it('never explains a card by itself, nor by an item the model does not have', () => {
    const m = model();
    expect(explainRow(m, 0, state([{ row: 0 }, { row: 'gone' }, { row: 2 }]), null)).toEqual({ kind: 'similar', to: m.items[2], via: 'view' });
    expect(explainRow(m, 0, state([{ row: 0 }]), null)).toBeNull();
  });

  it(`gives no reason when nothing recent is more similar than ${REASON_MIN_SIMILARITY}`, () => {
    expect(explainRow(model(), 0, state([{ row: 3 }]), null)).toBeNull();
    expect(explainRow(model(), 0, state([]), null)).toBeNull();
  });
});

describe('explainRow: matching the search', () => {
  // The query's cosine with the card (row 0) is its first component.
  const query = (first: number): Float32Array => Float32Array.from([first, 0, Math.sqrt(1 - first * first)]);

  it('names the search when the card matches the query better than 70% of the bar, with no similar item', () => {
    const m = model();
    expect(explainRow(m, 0, state([], 'rain jacket'), query(0.3))).toEqual({ kind: 'search', query: 'rain jacket' });
    expect(explainRow(m, 0, state([], 'rain jacket'), query(0.2))).toBeNull();
  });

  it('prefers the search over a similar item only when the match beats 70% of that similarity', () => {
    const m = model();
    const recent = [{ row: 1 }]; // similarity 0.8: the search needs more than 0.56
    expect(explainRow(m, 0, state(recent, 'tea'), query(0.6))).toEqual({ kind: 'search', query: 'tea' });
    expect(explainRow(m, 0, state(recent, 'tea'), query(0.5))).toMatchObject({ kind: 'similar', to: { id: item(1) } });
  });

  it('needs both a last query and its vector', () => {
    const m = model();
    expect(explainRow(m, 0, state([]), query(0.9))).toBeNull();
    expect(explainRow(m, 0, state([], 'tea'), null)).toBeNull();
  });
});
