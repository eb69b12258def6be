// The one fold: every path (live interaction, rebuild, compaction, other tabs, the evaluation's
// replay) goes through these two functions, so their contract is pinned here.
import { describe, expect, it } from 'vitest';
import { toItemId, toSessionId } from './ids.ts';
import type { InteractionEvent } from './interactions.ts';
import { decayFactor, updateInterest } from './rank.ts';
import { decaySince, foldEvents, foldStep, referenceUpdate } from './fold.ts';
import { emptyState } from './state.ts';
import { makeFixtureModel } from './test-support.ts';

const model = makeFixtureModel({ count: 20, dim: 8, categories: 2, popularity: false });
const view = (item: number, time: number): InteractionEvent => ({
  id: `e${item}-${time}`,
  time,
  session: toSessionId('s'),
  type: 'view',
  item: toItemId(`i${item}`),
});
const rowTerm = (row: number) => [{ kind: 'row' as const, row, weight: 1 }];
const update = referenceUpdate(model.vectors, 8);
const HALF_LIFE = 60_000;

describe('decaySince', () => {
  it('is 1 before the first event, then the half-life decay since the last one', async () => {
    const start = emptyState('m', 8);
    expect(decaySince(start, 5_000, HALF_LIFE)).toBe(1);
    const after = await foldStep(start, [view(1, 1_000)], 1_000, rowTerm(1), update, HALF_LIFE);
    expect(decaySince(after, 1_000 + HALF_LIFE, HALF_LIFE)).toBeCloseTo(0.5, 12);
  });
});

describe('foldStep', () => {
  it('moves the interest once for all the events of a step, and folds each event into the state', async () => {
    const start = await foldStep(emptyState('m', 8), [view(1, 0)], 0, rowTerm(1), update, HALF_LIFE);
    const next = await foldStep(start, [view(2, 30_000), view(3, 30_000)], 30_000, [...rowTerm(2), ...rowTerm(3)], update, HALF_LIFE);
    const expected = updateInterest(start.vector, decayFactor(30_000, HALF_LIFE), [...rowTerm(2), ...rowTerm(3)], model.vectors, 8);
    expect([...next.vector]).toEqual([...expected]);
    expect(next.eventCount).toBe(3);
    expect(next.lastEventTime).toBe(30_000);
  });

  it('leaves the vector as it is when the events contribute nothing, and never calls the update', async () => {
    const start = await foldStep(emptyState('m', 8), [view(1, 0)], 0, rowTerm(1), update, HALF_LIFE);
    let calls = 0;
    const next = await foldStep(start, [view(2, 9_000)], 9_000, [], () => (calls++, new Float32Array(8)), HALF_LIFE);
    expect(calls).toBe(0);
    expect(next.vector).toBe(start.vector);
    expect(next.eventCount).toBe(2);
  });
});

describe('foldEvents', () => {
  it('folds event by event, each decayed from the one before it', async () => {
    const events = [view(1, 0), view(4, 20_000), view(7, 95_000)];
    const termsOf = (event: InteractionEvent) => (event.type === 'search' ? [] : rowTerm(model.rowOf.get(event.item) ?? -1));
    const folded = await foldEvents(emptyState('m', 8), events, termsOf, update, HALF_LIFE);
    const first = updateInterest(new Float32Array(8), 1, rowTerm(1), model.vectors, 8);
    const second = updateInterest(first, decayFactor(20_000, HALF_LIFE), rowTerm(4), model.vectors, 8);
    const third = updateInterest(second, decayFactor(75_000, HALF_LIFE), rowTerm(7), model.vectors, 8);
    expect([...folded.vector]).toEqual([...third]);
    expect(folded.eventCount).toBe(3);
  });
});
