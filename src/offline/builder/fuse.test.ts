import { describe, expect, it } from 'vitest';
import { normalise, project, rowSimilarity } from '../../core/rank.ts';
import { seededRandom } from '../../core/test-support.ts';
import type { BehaviourEmbeddings } from '../lib/behaviour.ts';
import { fuseEmbeddings, type FusedEmbeddings } from './fuse.ts';
import { RIDGE_GRID } from './ridge.ts';

const TEXT_DIM = 32;
const BEHAVIOUR_DIM = 6;
const COUNT = 150;
const topicOf = (row: number): number => Math.floor(row / 50);
const isCold = (row: number): boolean => row % 3 === 0;

function randomUnit(random: () => number, dim: number): Float32Array {
  return normalise(Float32Array.from({ length: dim }, () => random() * 2 - 1));
}

/** Text vectors in 3 topics that share a large common direction (as sentence-encoder vectors do). */
function makeText(seed: number): Float32Array {
  const random = seededRandom(seed);
  const common = randomUnit(random, TEXT_DIM);
  const centres = [0, 1, 2].map(() => randomUnit(random, TEXT_DIM));
  const text = new Float32Array(COUNT * TEXT_DIM);
  for (let row = 0; row < COUNT; row++) {
    const centre = centres[topicOf(row)] as Float32Array;
    const v = Float32Array.from({ length: TEXT_DIM }, (_, j) => 2 * (common[j] ?? 0) + (centre[j] ?? 0) + (random() - 0.5) * 0.5);
    text.set(normalise(v), row * TEXT_DIM);
  }
  return text;
}

/** Behaviour vectors grouped by `groupOf`, zero rows for cold items. */
function makeBehaviour(seed: number, groupOf: (row: number) => number, cold: (row: number) => boolean = isCold): BehaviourEmbeddings {
  const random = seededRandom(seed);
  const centres = [0, 1, 2].map(() => randomUnit(random, BEHAVIOUR_DIM));
  const vectors = new Float32Array(COUNT * BEHAVIOUR_DIM);
  const hasEvents = new Uint8Array(COUNT);
  for (let row = 0; row < COUNT; row++) {
    if (cold(row)) continue;
    const centre = centres[groupOf(row)] as Float32Array;
    vectors.set(normalise(Float32Array.from({ length: BEHAVIOUR_DIM }, (_, j) => (centre[j] ?? 0) + (random() - 0.5) * 0.4)), row * BEHAVIOUR_DIM);
    hasEvents[row] = 1;
  }
  return { vectors, dim: BEHAVIOUR_DIM, hasEvents };
}

function textRow(text: Float32Array, row: number): Float32Array {
  return text.slice(row * TEXT_DIM, (row + 1) * TEXT_DIM);
}

/** Rows by similarity to `vector`, best first, optionally only those passing `keep`. */
function ranked(fused: FusedEmbeddings, vector: Float32Array, keep: (row: number) => boolean = () => true): number[] {
  const scores: [number, number][] = [];
  for (let row = 0; row < COUNT; row++) {
    if (!keep(row)) continue;
    let dot = 0;
    for (let j = 0; j < fused.dim; j++) dot += (fused.vectors[row * fused.dim + j] ?? 0) * (vector[j] ?? 0);
    scores.push([row, dot]);
  }
  return scores.sort((a, b) => b[1] - a[1]).map(([row]) => row);
}

describe('fuseEmbeddings', () => {
  const text = makeText(1);
  const behaviour = makeBehaviour(2, topicOf);
  const fused = fuseEmbeddings(text, TEXT_DIM, behaviour, { dim: 12 });
  const plain = fuseEmbeddings(text, TEXT_DIM, behaviour, { dim: 12, rotate: false });

  it('gives N x dim unit rows and a textDim x dim projection', () => {
    expect(fused.dim).toBe(12);
    expect(fused.vectors).toHaveLength(COUNT * 12);
    expect(fused.projection).toHaveLength(TEXT_DIM * 12);
    for (let row = 0; row < COUNT; row++) expect(rowSimilarity(fused.vectors, 12, row, row)).toBeCloseTo(1, 5);
    expect(fused.stats).toMatchObject({ items: COUNT, itemsWithEvents: 100, coldItems: 50, textPartDim: 6, behaviourPartDim: 6, behaviourWeight: 0.5 });
  });

  it('gives an item without events exactly the vector its text gets as a query (core project())', () => {
    for (let row = 0; row < COUNT; row++) {
      if (!isCold(row)) continue;
      const query = project(textRow(text, row), fused.projection, fused.dim);
      for (let j = 0; j < fused.dim; j++) expect(Math.abs((query[j] ?? 0) - (fused.vectors[row * fused.dim + j] ?? 0))).toBeLessThan(1e-5);
    }
  });

  it('places an item without events next to items with similar text', () => {
    for (let row = 0; row < COUNT; row++) {
      if (!isCold(row)) continue;
      const own = fused.vectors.slice(row * 12, row * 12 + 12);
      const neighbours = ranked(fused, own, (other) => !isCold(other)).slice(0, 5);
      expect(neighbours.map(topicOf)).toEqual(Array(5).fill(topicOf(row)));
    }
  });

  it('keeps the learned behaviour of items with events (β·b_i before normalisation)', () => {
    for (let row = 1; row < COUNT; row += 3) {
      const part = plain.vectors.slice(row * 12 + 6, row * 12 + 12);
      const b = behaviour.vectors.slice(row * BEHAVIOUR_DIM, (row + 1) * BEHAVIOUR_DIM);
      let dot = 0;
      for (let j = 0; j < BEHAVIOUR_DIM; j++) dot += (normalise(part)[j] ?? 0) * (b[j] ?? 0);
      expect(dot).toBeCloseTo(1, 5);
    }
  });

  it('maps a search query (a text vector) next to the items it describes', () => {
    for (const row of [1, 52, 101]) {
      const query = project(textRow(text, row), fused.projection, fused.dim);
      expect(ranked(fused, query).slice(0, 10).map(topicOf)).toEqual(Array(10).fill(topicOf(row)));
    }
  });

  it('projects out the text vectors’ common direction', () => {
    expect(fused.stats['textMeanNorm']).toBeGreaterThan(0.8);
    const mean = new Float32Array(TEXT_DIM);
    for (let row = 0; row < COUNT; row++) for (let k = 0; k < TEXT_DIM; k++) mean[k] = (mean[k] ?? 0) + (text[row * TEXT_DIM + k] ?? 0) / COUNT;
    for (let j = 0; j < 6; j++) {
      let dot = 0;
      for (let k = 0; k < TEXT_DIM; k++) dot += (mean[k] ?? 0) * (plain.projection[k * 12 + j] ?? 0);
      expect(Math.abs(dot)).toBeLessThan(1e-4);
    }
  });

  it('rotates the space without changing any dot product (or the cold-start identity)', () => {
    for (let a = 0; a < COUNT; a += 7) {
      for (let b = 0; b < COUNT; b += 11) expect(rowSimilarity(fused.vectors, 12, a, b)).toBeCloseTo(rowSimilarity(plain.vectors, 12, a, b), 5);
    }
    expect(fused.stats['rotated']).toBe(1);
    expect(plain.stats['rotated']).toBe(0);
    for (let row = 0; row < COUNT; row += 3) {
      const query = project(textRow(text, row), plain.projection, 12);
      for (let j = 0; j < 12; j++) expect(Math.abs((query[j] ?? 0) - (plain.vectors[row * 12 + j] ?? 0))).toBeLessThan(1e-5);
    }
  });

  it('follows behaviour more as its weight grows', () => {
    // Behaviour groups (row % 3 among warm rows) cut across the text topics.
    const crossing = makeBehaviour(
      3,
      (row) => row % 3,
      (row) => row % 5 === 0,
    );
    const groupOf = (row: number): number => row % 3;
    const agreement = (weight: number): number => {
      const f = fuseEmbeddings(text, TEXT_DIM, crossing, { dim: 12, behaviourWeight: weight });
      let same = 0;
      for (let row = 1; row < COUNT; row++) {
        if (row % 5 === 0) continue;
        const [best] = ranked(f, f.vectors.slice(row * 12, row * 12 + 12), (other) => other !== row && other % 5 !== 0);
        if (groupOf(best ?? -1) === groupOf(row)) same++;
      }
      return same;
    };
    expect(agreement(0.9)).toBeGreaterThan(agreement(0.1));
    expect(agreement(0.9)).toBeGreaterThan(100);
  });

  it('chooses the ridge on a hold-out unless given, and predicts behaviour from text', () => {
    expect(RIDGE_GRID).toContain(fused.stats['ridge']);
    expect(fused.stats['ridgeHoldoutItems']).toBeGreaterThan(0);
    expect(fused.stats['ridgeHoldoutCosine']).toBeGreaterThan(0.8);
    const given = fuseEmbeddings(text, TEXT_DIM, behaviour, { dim: 12, ridge: 0.5 });
    expect(given.stats['ridge']).toBe(0.5);
    expect(given.stats['ridgeHoldoutItems']).toBeUndefined();
  });

  it('is deterministic for a seed', () => {
    const again = fuseEmbeddings(text, TEXT_DIM, behaviour, { dim: 12 });
    expect(again.vectors).toEqual(fused.vectors);
    expect(again.projection).toEqual(fused.projection);
  });

  it('uses text alone when there are no events or the behaviour weight is 0', () => {
    const none: BehaviourEmbeddings = { vectors: new Float32Array(COUNT * BEHAVIOUR_DIM), dim: BEHAVIOUR_DIM, hasEvents: new Uint8Array(COUNT) };
    for (const f of [fuseEmbeddings(text, TEXT_DIM, none, { dim: 8 }), fuseEmbeddings(text, TEXT_DIM, behaviour, { dim: 8, behaviourWeight: 0 })]) {
      expect(f.stats).toMatchObject({ textPartDim: 8, behaviourPartDim: 0, coldItems: COUNT });
      for (let row = 0; row < COUNT; row += 7) {
        const query = project(textRow(text, row), f.projection, 8);
        for (let j = 0; j < 8; j++) expect(Math.abs((query[j] ?? 0) - (f.vectors[row * 8 + j] ?? 0))).toBeLessThan(1e-5);
      }
    }
  });

  it('names the size or option that does not fit', () => {
    expect(() => fuseEmbeddings(text, TEXT_DIM, behaviour, { dim: 6 })).toThrow(/dim 6 leaves no room for text next to 6 behaviour dimensions/);
    expect(() => fuseEmbeddings(text, TEXT_DIM, behaviour, { dim: 40 })).toThrow(/needs 34 text dimensions, but the text vectors have only 32/);
    expect(() => fuseEmbeddings(text.subarray(1), TEXT_DIM, behaviour, { dim: 12 })).toThrow(/text has 4799 values, expected 150 items x 32/);
    expect(() => fuseEmbeddings(text, TEXT_DIM, behaviour, { dim: 12, behaviourWeight: 1.5 })).toThrow(/behaviourWeight must be in \[0, 1\], found 1.5/);
    expect(() => fuseEmbeddings(text, TEXT_DIM, behaviour, { dim: 12, ridge: -1 })).toThrow(/ridge must be a finite number > 0, found -1/);
  });
});
