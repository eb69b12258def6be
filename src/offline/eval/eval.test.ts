import { afterAll, describe, expect, it } from 'vitest';
import type { ParsedEvent } from '../lib/ingest/events-input.ts';
import { float32Matrix } from '../../core/item-matrix.ts';
import { makeFixtureModel } from '../../core/test-support.ts';
import type { LoadedModel } from '../../core/model.ts';
import { createBatchScorer } from '../../engine/batch-scorer.ts';
import { createItemSpace } from '../../engine/item-space.ts';
import { createItemKnnMethod, createPopularityMethod } from './baselines.ts';
import { leaveOneOut, sampleCases, SYNTHETIC_EPOCH, temporalSplit } from './dataset.ts';
import { checkSanity, evaluateMethods, PUBLISHED_POPULARITY } from './evaluate.ts';
import type { PublishedResults } from './published.ts';
import type { RankingMethod } from './method.ts';
import { scoreCase } from './metrics.ts';
import { createReferenceDecayMethod, createReplayMethod } from './replay.ts';
import { renderHitRatePlot, renderMarkdown, updateResultsDocument, type EvalReport } from './report.ts';
import { FIXTURE_ITEMS, FIXTURE_USERS } from './test-support.ts';

/** Users' item rows in order, as a parsed log without times (Beauty's shape). */
function orderedLog(users: readonly (readonly number[])[]): ParsedEvent[] {
  let line = 1;
  return users.flatMap((rows, user) => rows.map((row, order) => ({ user, session: -1, row, time: 0, order, weight: 1, type: 0, line: ++line })));
}

const USERS = FIXTURE_USERS;
const ITEMS = FIXTURE_ITEMS;
const log2 = Math.log2;

// Unit 2-d vectors: u1's history [1, 0] points between r0 = (1, 0) and r1 = (0, 1).
const VECTORS = Float32Array.from([1, 0, 0, 1, 0.6, 0.8, 0.8, 0.6, -1, 0, 0, -1, 0.8, -0.6, -0.6, 0.8]);
// Text vectors for diversity: every item along e1 but r3 along e2.
const TEXT = Float32Array.from({ length: ITEMS * 2 }, (_, i) => (i === 6 ? 0 : i === 7 ? 1 : i % 2 === 0 ? 1 : 0));

function fixtureModel(): LoadedModel {
  const base = makeFixtureModel({ count: ITEMS, dim: 2, categories: 1 });
  return { ...base, matrix: float32Matrix(VECTORS, 2), vectors: VECTORS, popularity: null };
}

const disposables: RankingMethod[] = [];
afterAll(() => disposables.forEach((method) => method.dispose()));

describe('leave-one-out split', () => {
  it('targets the last item (or the second-to-last), masks every earlier one and trains on the rest', () => {
    const test = leaveOneOut(orderedLog(USERS), { itemCount: ITEMS, target: 'test', maxHistory: 2, spacingMs: 60_000 });
    expect(test.cases.map((c) => c.targets)).toEqual([[3], [7], [5]]);
    expect(test.cases.map((c) => [...c.masked].sort())).toEqual([
      [0, 1, 2],
      [0, 1],
      [0, 1, 2],
    ]);
    // Only the latest maxHistory items are replayed, a minute apart; historyLength counts them all.
    expect(test.cases[0]?.history).toEqual([
      { row: 1, time: SYNTHETIC_EPOCH },
      { row: 2, time: SYNTHETIC_EPOCH + 60_000 },
    ]);
    expect(test.cases.map((c) => c.historyLength)).toEqual([3, 2, 3]);
    expect(test.training.map((s) => s.rows)).toEqual([[0, 1], [1], [2, 1]]);
    expect([...test.trainingCounts]).toEqual([1, 3, 1, 0, 0, 0, 0, 0]);
    expect([...test.allCounts]).toEqual([3, 3, 2, 1, 0, 1, 0, 1]);
    const validation = leaveOneOut(orderedLog(USERS), { itemCount: ITEMS, target: 'validation', maxHistory: 50, spacingMs: 0 });
    expect(validation.cases.map((c) => [c.targets[0], [...c.masked].sort()])).toEqual([
      [2, [0, 1]],
      [0, [1]],
      [0, [1, 2]],
    ]);
  });
});

describe('sampleCases', () => {
  it('draws a seeded sample of the requested size from the whole file, not its first users', () => {
    const split = leaveOneOut(orderedLog(Array.from({ length: 100 }, (_, user) => [user % 8, (user + 1) % 8, (user + 2) % 8])), {
      itemCount: ITEMS,
      target: 'validation',
      maxHistory: 50,
      spacingMs: 0,
    });
    const users = (seed: number, count = 10) => sampleCases(split, count, seed).cases.map((c) => c.user);
    const sample = users(1);
    expect(sample).toHaveLength(10);
    expect(new Set(sample).size).toBe(10);
    expect(sample).not.toEqual(split.cases.slice(0, 10).map((c) => c.user));
    expect(sample).toEqual([...sample].sort((a, b) => a - b)); // kept in file order
    expect(users(1)).toEqual(sample);
    expect(users(2)).not.toEqual(sample);
    expect(users(1, 100)).toEqual(split.cases.map((c) => c.user));
    expect(users(1, 1000)).toHaveLength(100);
  });
});

describe('temporal split', () => {
  it("targets each customer's first basket after the cut, minus what they bought before", () => {
    const event = (user: number, session: number, row: number, time: number, line: number): ParsedEvent => ({
      user,
      session,
      row,
      time,
      order: line,
      weight: 1,
      type: 0,
      line,
    });
    const events = [
      event(0, 10, 0, 100, 2),
      event(0, 10, 1, 100, 3),
      event(0, 11, 1, 300, 4), // after the cut: a repeat (masked) and a new item
      event(0, 11, 2, 300, 5),
      event(0, 12, 3, 400, 6), // a later basket: not a target
      event(1, 19, 3, 50, 1), // an earlier basket of customer 1
      event(1, 20, 4, 100, 7),
      event(1, 21, 4, 300, 8), // only a repeat: nothing to predict
      event(2, 30, 5, 300, 9), // no history before the cut
    ];
    const split = temporalSplit(events, { itemCount: 6, trainBefore: 200, maxHistory: 50 });
    expect(split.cases).toHaveLength(1);
    expect(split.cases[0]).toMatchObject({
      user: 0,
      targets: [2],
      history: [
        { row: 0, time: 100 },
        { row: 1, time: 100 },
      ],
    });
    expect(split.skipped).toEqual({ 'no purchase before the split': 1, 'no purchase after the split': 0, 'next basket only repeats earlier purchases': 1 });
    expect(split.training.map((s) => s.rows)).toEqual([[3], [0, 1], [4]]);
    expect(split.trainingByUser.map((s) => s.rows)).toEqual([
      [0, 1],
      [3, 4],
    ]);
  });
});

describe('metrics', () => {
  it('scores several targets: any hit for HR, hits over the ideal for NDCG, the first hit for MRR', () => {
    const result = scoreCase([7, 9], [1, 7, 2, 3, 4, 5, 9]);
    expect(result.hr).toEqual([1, 1, 1]);
    expect(result.recall).toEqual([0.5, 1, 1]);
    expect(result.ndcg[0]).toBeCloseTo(1 / log2(3) / (1 + 1 / log2(3)), 12);
    expect(result.ndcg[1]).toBeCloseTo((1 / log2(3) + 1 / log2(8)) / (1 + 1 / log2(3)), 12);
    expect(result.mrr).toBe(0.5);
  });
});

describe('evaluateMethods on the fixture', () => {
  it('computes every metric of the popularity baselines as worked out by hand, and checks the sanity row', async () => {
    const split = leaveOneOut(orderedLog(USERS), { itemCount: ITEMS, target: 'test', maxHistory: 50, spacingMs: 0 });
    const methods = [
      createPopularityMethod('popularity', 'training counts', split.trainingCounts),
      createPopularityMethod(PUBLISHED_POPULARITY, 'whole file', split.allCounts),
    ];
    const [popularity, published] = await evaluateMethods(split, methods, { itemCount: ITEMS, textVectors: TEXT, textDim: 2 });
    // Training popularity, masked: u0 [3,4,5,6,7] hits 3 at rank 1; u1 [2,3,4,5,6,7] hits 7 at 6;
    // u2 [3,4,5,6,7] hits 5 at 3.
    const m = popularity?.metrics;
    expect(m?.hr).toEqual({ '5': 2 / 3, '10': 1, '20': 1 });
    expect(m?.ndcg['5']).toBeCloseTo((1 + 0 + 1 / log2(4)) / 3, 12);
    expect(m?.ndcg['10']).toBeCloseTo((1 + 1 / log2(7) + 1 / log2(4)) / 3, 12);
    expect(m?.mrr).toBeCloseTo((1 + 1 / 6 + 1 / 3) / 3, 12);
    // Top-10 lists cover rows 2..7 of 8.
    expect(m?.coverage10).toBe(0.75);
    // Mid-rank percentiles: count 0 -> 31.25, count 1 -> 75; 15 listed items of count 0, one (r2) of count 1.
    expect(m?.popularityPercentile10).toBeCloseTo((15 * 31.25 + 75) / 16, 9);
    // r3 is the only item off e1: its pairs are at distance 1, all others at 0.
    expect(m?.diversity10).toBeCloseTo((4 / 10 + 5 / 15 + 4 / 10) / 3, 6);
    expect(m?.byHistoryLength.map((b) => b.cases)).toEqual([3, 0, 0, 0]);
    expect(m?.byTargetPopularity.map((b) => [b.cases, b.hr10])).toEqual([
      [3, 1],
      [0, 0],
    ]);
    // Whole-file popularity: u0 [3,5,7,4,6] hits 3 at 1; u1 [2,3,5,7,...] hits 7 at 4; u2 hits 5 at 2.
    const ndcg5 = (1 + 1 / log2(5) + 1 / log2(3)) / 3;
    expect(published?.metrics.ndcg['5']).toBeCloseTo(ndcg5, 12);
    const n = Math.round(ndcg5 * 1e4) / 1e4;
    const rows = (popRecNdcg5: number): PublishedResults => ({
      file: 'baselines.json',
      dataset: 'fixture',
      protocol: 'by hand',
      note: null,
      rows: [
        { model: 'PopRec', source: 'by hand', metrics: { 'HR@5': 1, 'NDCG@5': popRecNdcg5, 'HR@10': 1, 'NDCG@10': n, 'NDCG@20': n } },
        { model: 'GRU4Rec', source: 'by hand', metrics: { 'HR@10': 0.5 } },
      ],
    });
    const results = [popularity, published].flatMap((r) => (r === undefined ? [] : [r]));
    const check = checkSanity(results, rows(n));
    expect(check).toMatchObject({ status: 'pass', publishedRow: 'PopRec' });
    // Only the metrics the row gives are compared (it has no HR@20).
    expect(check.status !== 'not applicable' && check.compared.map((c) => c.metric)).toEqual(['HR@5', 'NDCG@5', 'HR@10', 'NDCG@10', 'NDCG@20']);
    expect(checkSanity(results, rows(n + 1e-4)).status).toBe('fail');
    expect(checkSanity(results, { none: 'no published rows for this data set' })).toEqual({
      status: 'not applicable',
      reason: 'no published rows for this data set',
    });
    expect(checkSanity(results, { ...rows(n), rows: rows(n).rows.slice(1) })).toEqual({ status: 'not applicable', reason: 'baselines.json has no PopRec row' });
    expect(checkSanity(results.slice(0, 1), rows(n)).status).toBe('not applicable');
  });

  it("ranks with the browser's decay rule identically on the engine, recommender and reference paths", async () => {
    const model = fixtureModel();
    // One half-life between u1's two events: u = normalise(0.5·r1 + r0·(purchase weight)).
    const split = leaveOneOut(orderedLog(USERS), { itemCount: ITEMS, target: 'test', maxHistory: 50, spacingMs: 30 * 60_000 });
    const engineOptions = { vectors: VECTORS, dim: 2, popularity: null, backend: 'cpu' } as const;
    const rule = { eventType: 'purchase', halfLifeMs: 30 * 60_000 } as const;
    const methods = [
      createReplayMethod({ ...rule, name: 'engine', description: '', model, space: await createItemSpace(engineOptions), path: 'engine' }),
      createReplayMethod({ ...rule, name: 'recommender', description: '', model, space: await createItemSpace(engineOptions), path: 'recommender' }),
      createReferenceDecayMethod({ ...rule, name: 'reference', description: '', model, vectors: VECTORS, scorer: await createBatchScorer(engineOptions) }),
    ];
    disposables.push(...methods);
    const rankings = await Promise.all(methods.map((method) => method.rank(split.cases, 100)));
    // u1: u ∝ (1.2, 0.5); unmasked scores r3 .969, r2 .862, r6 .508, r7 -.246, r5 -.385, r4 -.923.
    expect(rankings[0]?.[1]).toEqual([3, 2, 6, 7, 5, 4]);
    expect(rankings[1]).toEqual(rankings[0]);
    expect(rankings[2]).toEqual(rankings[0]);
  });

  it('item-kNN sums co-occurrence similarities of recent items, falling back to popularity', async () => {
    const split = leaveOneOut(orderedLog(USERS), { itemCount: ITEMS, target: 'test', maxHistory: 50, spacingMs: 0 });
    const knn = createItemKnnMethod(split.training, split.trainingCounts, { window: 1, recencyDecay: 0.5, recent: 10 });
    // Training pairs within one position: (0,1) and (2,1); occurrences r0 1, r1 3, r2 1.
    // u1 (history [1, 0]) scores r2 = 1/sqrt(3) (via r1, weight 0.5): first; then popularity order.
    const [ranked] = await knn.rank([split.cases[1] as (typeof split.cases)[number]], 3);
    expect(ranked).toEqual([2, 3, 4]);
  });
});

describe('report', () => {
  it('writes the published rows beside ours, the sanity verdict, a plot, and replaces only its own docs section', () => {
    const metrics = {
      cases: 1,
      hr: { '5': 0.5, '10': 0.5, '20': 1 },
      ndcg: { '5': 0.5, '10': 0.5, '20': 0.6 },
      recall: { '5': 0.5, '10': 0.5, '20': 1 },
      mrr: 0.5,
      coverage10: 0.1,
      diversity10: null,
      popularityPercentile10: 50,
      byHistoryLength: [],
      byTargetPopularity: [],
    };
    const report: EvalReport = {
      tool: 'vitrine eval',
      createdAt: '2026-01-01T00:00:00Z',
      command: 'npm run eval -- --models models/x',
      model: { dir: 'models/x', catalogId: 'x', manifestSha256: 'f'.repeat(64), itemCount: 8, dim: 2, dtype: 'float32' },
      dataset: { preset: null, catalog: 'items.jsonl', events: 'events.csv' },
      protocol: { name: 'leave-one-out', description: 'by hand', target: 'test', cases: 1, skipped: {}, settings: {} },
      backend: 'cpu',
      replayPath: 'engine',
      wallSeconds: 1,
      peakRssBytes: 0,
      methods: [{ method: 'vitrine', description: 'ours', metrics, seconds: 1 }],
      published: {
        file: 'data/baselines.json',
        dataset: 'fixture',
        protocol: 'by hand',
        note: null,
        rows: [
          {
            model: 'GRU4Rec',
            source: 'a paper',
            metrics: { 'HR@5': 0.0164, 'NDCG@5': 0.0099, 'HR@10': 0.0283, 'NDCG@10': 0.0137, 'HR@20': 0.0479, 'NDCG@20': 0.0187 },
          },
          { model: 'Newer', source: 'another paper', metrics: { 'HR@10': 0.09, 'NDCG@10': 0.05 } },
        ],
      },
      sanity: { status: 'pass', method: PUBLISHED_POPULARITY, publishedRow: 'PopRec', compared: [] },
    };
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('| **vitrine** | 0.5000 | 0.5000 | 0.5000 | 0.5000 | 1.0000 | 0.6000 | 0.5000 |');
    expect(markdown).toContain('| *GRU4Rec (published)* | 0.0164 | 0.0099 | 0.0283 | 0.0137 | 0.0479 | 0.0187 |');
    expect(markdown).toContain('| *Newer (published)* | - | - | 0.0900 | 0.0500 | - | - |');
    expect(markdown).toContain('Published rows: fixture, from `data/baselines.json` (by hand; sources: a paper; another paper).');
    expect(markdown).toContain('**Sanity check: PASS**');
    // A row without HR@5/20 is in the table only: a line plot needs all three cutoffs.
    const plot = renderHitRatePlot(report);
    expect(plot).toMatch(/^<svg[^]*GRU4Rec \(published\)[^]*<\/svg>/);
    expect(plot).not.toContain('Newer');
    const without = renderMarkdown({
      ...report,
      published: { none: 'no published rows for this data set' },
      sanity: { status: 'not applicable', reason: 'no published rows for this data set' },
    });
    expect(without).not.toContain('(published)*');
    expect(without).toContain('No published rows for this data set.');
    expect(without).toContain('**Sanity check: not applicable**: no published rows for this data set.');
    const doc = updateResultsDocument(updateResultsDocument('', 'eval:other', '## other\nold'), 'eval:x', '## x\nfirst');
    const updated = updateResultsDocument(doc, 'eval:x', '## x\nsecond');
    expect(updated).toContain('## other\nold');
    expect(updated).toContain('## x\nsecond');
    expect(updated).not.toContain('first');
  });
});
