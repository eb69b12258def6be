/**
 * List quality in the evaluation: the browser's grid arrangement as a ranking method, at
 * several diversity trade-offs, so HR@10 / NDCG@10 can be read against intra-list diversity and
 * coverage@10 (`npm run eval -- --lambdas 1,0.9,...`).
 *
 * `createListQualityMethod` replays each history as the 'vitrine' method does (foldHistory in the
 * item space), then ranks as `createRecommender` does, with core's `arrangeGrid`: the space's best
 * `candidates` rows with the shopper's earlier items masked, their similarities from the space,
 * and `arrangeList` with the model's rules at the given lambda. Pins, the first-row cap and
 * exploration are left out (none of them is defined for a data set's catalogue, and exploration is
 * random by design): what is measured is MMR and variant collapsing. The grid is the first `gridSize` rows; the rows below
 * it follow in score order, so MRR and HR@20 still see the full depth.
 */
import { arrangeGrid } from '../../core/list-quality.ts';
import type { LoadedModel } from '../../core/model.ts';
import type { ItemSpace } from '../../core/ports.ts';
import type { ShopRules } from '../../core/shop-rules.ts';
import type { MethodResult } from './evaluate.ts';
import type { RankingMethod } from './method.ts';
import { foldHistory, type ReplayRule } from './replay.ts';

export interface ListQualityOptions extends ReplayRule {
  /** MMR trade-off (1: relevance only). */
  readonly lambda: number;
  /** The model (items, rules); its vectors are the ones `space` holds. */
  readonly model: LoadedModel;
  /** Owned by the method from now on: disposed with it. */
  readonly space: ItemSpace;
  /** How many rows are arranged (the storefront's grid); the rest follow in score order. */
  readonly gridSize: number;
}

/** @param lambda the trade-off; @returns the method's name in tables and `--methods`. */
export function listQualityMethodName(lambda: number): string {
  return `vitrine-mmr-${lambda}`;
}

/**
 * @param options the trade-off, the model, its item space and the replay rule.
 * @returns the browser's arrangement (MMR + variant collapsing) after the browser's replay.
 */
export function createListQualityMethod(options: ListQualityOptions): RankingMethod {
  const { model, space, lambda, gridSize } = options;
  const rules: ShopRules = { ...model.rules, pins: [], firstRow: null, diversity: { ...model.rules.diversity, lambda } };
  const variants = rules.diversity.variantSimilarity === null ? 'groups only' : `cosine >= ${rules.diversity.variantSimilarity} or a shared group`;
  return {
    name: listQualityMethodName(lambda),
    description: `'vitrine', then the storefront's arrangement of the first ${gridSize} rows from the best ${rules.diversity.candidates}: maximal marginal relevance at lambda ${lambda}, variants (${variants}) collapsed`,
    async rank(cases, depth) {
      const ranked: (readonly number[])[] = [];
      for (const testCase of cases) {
        const interest = await foldHistory(testCase, options, model, (u, decay, terms) => space.update(u, decay, terms));
        const { grid, candidates } = await arrangeGrid(space, interest, {
          size: gridSize,
          depth,
          excluded: testCase.masked,
          items: model.items,
          rules,
          explorationSlots: 0,
          shown: new Set(),
          random: () => 0,
        });
        const arranged = grid.map((entry) => entry.row);
        const placed = new Set(arranged);
        ranked.push([...arranged, ...candidates.rows.filter((row) => !placed.has(row))].slice(0, depth));
      }
      return ranked;
    },
    dispose: () => space.dispose(),
  };
}

/** One point of the trade-off curve. */
export interface TradeOffPoint {
  readonly lambda: number;
  readonly hr10: number;
  readonly ndcg10: number;
  readonly diversity10: number;
  readonly coverage10: number;
}

/**
 * @param results the run's results; the list-quality methods among them become points.
 * @param lambdas the trade-offs that were run.
 * @returns the points, in the order of `lambdas`.
 */
export function tradeOffPoints(results: readonly MethodResult[], lambdas: readonly number[]): TradeOffPoint[] {
  return lambdas.flatMap((lambda) => {
    const metrics = results.find((result) => result.method === listQualityMethodName(lambda))?.metrics;
    if (metrics === undefined) return [];
    return [{ lambda, hr10: metrics.hr['10'], ndcg10: metrics.ndcg['10'], diversity10: metrics.diversity10 ?? 0, coverage10: metrics.coverage10 }];
  });
}

/**
 * @param points the curve.
 * @returns a Markdown table: one row per lambda.
 */
export function renderTradeOffTable(points: readonly TradeOffPoint[]): string {
  return [
    '| lambda | HR@10 | NDCG@10 | intra-list diversity@10 | coverage@10 |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...points.map((p) => `| ${p.lambda} | ${p.hr10.toFixed(4)} | ${p.ndcg10.toFixed(4)} | ${p.diversity10.toFixed(4)} | ${p.coverage10.toFixed(4)} |`),
  ].join('\n');
}

/**
 * The trade-off as two panels sharing the y axes: HR@10 and NDCG@10 against intra-list diversity
 * (left) and against coverage@10 (right), one marker per lambda, labelled. Hand-written SVG, as
 * report.ts's plot, so no plotting dependency is needed.
 * @param points the curve.
 * @param title what was run (model, split, cases).
 */
export function renderTradeOffPlot(points: readonly TradeOffPoint[], title: string): string {
  const width = 860;
  const height = 400;
  const panels = [
    { left: 70, right: 400, label: 'intra-list diversity@10 (mean 1 − cosine, text vectors)', x: (p: TradeOffPoint) => p.diversity10 },
    { left: 500, right: 830, label: 'coverage@10 (share of items in any top 10)', x: (p: TradeOffPoint) => p.coverage10 },
  ];
  const top = 56;
  const bottom = 340;
  const yMax = Math.max(0.001, ...points.flatMap((p) => [p.hr10, p.ndcg10])) * 1.15;
  const y = (v: number): number => bottom - (v / yMax) * (bottom - top);
  const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const series = [
    { name: 'HR@10', colour: '#1f77b4', value: (p: TradeOffPoint) => p.hr10 },
    { name: 'NDCG@10', colour: '#d62728', value: (p: TradeOffPoint) => p.ndcg10 },
  ];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="70" y="20" font-size="14">${esc(title)}</text>`,
    ...series.map((s, i) => `<circle cx="${74 + i * 90}" cy="34" r="4" fill="${s.colour}"/><text x="${82 + i * 90}" y="38">${s.name}</text>`),
  ];
  for (const panel of panels) {
    const xs = points.map(panel.x);
    const low = Math.min(...xs);
    const high = Math.max(...xs);
    const pad = Math.max((high - low) * 0.1, 1e-3);
    const x = (v: number): number => panel.left + ((v - (low - pad)) / (high - low + 2 * pad)) * (panel.right - panel.left);
    parts.push(
      `<line x1="${panel.left}" y1="${bottom}" x2="${panel.right}" y2="${bottom}" stroke="black"/>`,
      `<line x1="${panel.left}" y1="${top}" x2="${panel.left}" y2="${bottom}" stroke="black"/>`,
      `<text x="${(panel.left + panel.right) / 2}" y="${bottom + 36}" text-anchor="middle">${esc(panel.label)}</text>`,
      ...[low, (low + high) / 2, high].map((v) => `<text x="${x(v).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${v.toFixed(3)}</text>`),
      ...[0, 0.5, 1].map(
        (t) =>
          `<line x1="${panel.left}" y1="${y(t * yMax).toFixed(1)}" x2="${panel.right}" y2="${y(t * yMax).toFixed(1)}" stroke="#ddd"/><text x="${panel.left - 6}" y="${(y(t * yMax) + 4).toFixed(1)}" text-anchor="end">${(t * yMax).toFixed(3)}</text>`,
      ),
    );
    for (const s of series) {
      parts.push(
        `<polyline fill="none" stroke="${s.colour}" stroke-width="1.5" points="${points.map((p) => `${x(panel.x(p)).toFixed(1)},${y(s.value(p)).toFixed(1)}`).join(' ')}"/>`,
      );
      for (const p of points) {
        parts.push(`<circle cx="${x(panel.x(p)).toFixed(1)}" cy="${y(s.value(p)).toFixed(1)}" r="3.5" fill="${s.colour}"/>`);
        if (s.name === 'HR@10')
          parts.push(`<text x="${(x(panel.x(p)) + 5).toFixed(1)}" y="${(y(s.value(p)) - 6).toFixed(1)}" font-size="10">λ ${p.lambda}</text>`);
      }
    }
  }
  parts.push('</svg>', '');
  return parts.join('\n');
}
