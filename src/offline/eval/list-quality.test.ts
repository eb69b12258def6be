import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELEVANCE_ONLY_RULES, makeFixtureModel } from '../../core/test-support.ts';
import { initBackend } from '../../engine/backend.ts';
import { createItemSpace } from '../../engine/item-space.ts';
import type { EvalCase } from './dataset.ts';
import type { MethodResult } from './evaluate.ts';
import { createListQualityMethod, listQualityMethodName, renderTradeOffPlot, renderTradeOffTable, tradeOffPoints } from './list-quality.ts';
import type { RankingMethod } from './method.ts';
import type { MethodMetrics } from './metrics.ts';
import { createReplayMethod } from './replay.ts';

// 60 items in 3 clustered categories; shoppers who bought c0 items.
const model = { ...makeFixtureModel({ count: 60, dim: 8, categories: 3, seed: 3 }), rules: RELEVANCE_ONLY_RULES };
const cases: EvalCase[] = [
  [0, 3, 6],
  [9, 12],
  [1, 4],
].map((rows, user) => ({
  user,
  history: rows.map((row, i) => ({ row, time: i * 60_000 })),
  historyLength: rows.length,
  masked: new Set(rows),
  targets: [rows[0] ?? 0],
}));

const methods: RankingMethod[] = [];
const space = () => createItemSpace({ vectors: model.vectors, dim: model.manifest.dim, popularity: null, backend: 'cpu' });
beforeAll(() => initBackend({ preferred: 'cpu' }));
afterAll(() => methods.forEach((method) => method.dispose()));

describe('createListQualityMethod', () => {
  it("at lambda 1 ranks as the browser's replay; lower lambdas mix categories in the grid, never a masked row", async () => {
    const rule = { eventType: 'purchase' } as const;
    const replay = createReplayMethod({ ...rule, name: 'vitrine', description: '', model, space: await space() });
    const plain = createListQualityMethod({ ...rule, lambda: 1, model, space: await space(), gridSize: 12 });
    const diverse = createListQualityMethod({ ...rule, lambda: 0.3, model, space: await space(), gridSize: 12 });
    methods.push(replay, plain, diverse);
    expect(plain.name).toBe(listQualityMethodName(1));
    const expected = await replay.rank(cases, 30);
    expect(await plain.rank(cases, 30)).toEqual(expected);
    const mixed = await diverse.rank(cases, 30);
    mixed.forEach((rows, i) => {
      expect(rows).toHaveLength(30);
      expect(new Set(rows).size).toBe(30);
      for (const row of rows) expect(cases[i]?.masked.has(row)).toBe(false);
      const categories = (list: readonly number[]) => new Set(list.slice(0, 12).map((row) => model.items[row]?.category)).size;
      expect(categories(rows)).toBeGreaterThan(categories(expected[i] ?? []));
    });
  });
});

describe('the trade-off report', () => {
  const metrics = (hr: number, diversity: number, coverage: number): MethodMetrics =>
    ({ hr: { '5': 0, '10': hr, '20': 0 }, ndcg: { '5': 0, '10': hr / 2, '20': 0 }, diversity10: diversity, coverage10: coverage }) as unknown as MethodMetrics;
  const results: MethodResult[] = [
    { method: 'vitrine', description: '', metrics: metrics(0.05, 0.2, 0.3), seconds: 1 },
    { method: listQualityMethodName(1), description: '', metrics: metrics(0.05, 0.2, 0.3), seconds: 1 },
    { method: listQualityMethodName(0.5), description: '', metrics: metrics(0.03, 0.35, 0.4), seconds: 1 },
  ];

  it('takes one point per lambda that ran, in the order asked, and renders them as a table and a two-panel SVG', () => {
    const points = tradeOffPoints(results, [0.5, 1, 0.7]);
    expect(points.map((p) => [p.lambda, p.hr10, p.diversity10, p.coverage10])).toEqual([
      [0.5, 0.03, 0.35, 0.4],
      [1, 0.05, 0.2, 0.3],
    ]);
    expect(renderTradeOffTable(points).split('\n')[2]).toBe('| 0.5 | 0.0300 | 0.0150 | 0.3500 | 0.4000 |');
    const svg = renderTradeOffPlot(points, 'fixture <run>');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('fixture &lt;run&gt;');
    // Two panels x two series x two points.
    expect(svg.match(/<circle cx="[\d.]+" cy="[\d.]+" r="3.5"/g)).toHaveLength(8);
    expect(svg.match(/λ 0.5/g)).toHaveLength(2);
  });
});
