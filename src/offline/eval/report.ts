/**
 * The evaluation report in three forms: JSON (everything), Markdown (our rows beside the published
 * ones, the protocol, the sanity check, the buckets) and an SVG line plot of HR@k, hand-written so
 * no plotting dependency is needed. `docs/results.md` keeps one Markdown section per model,
 * replaced by that model's latest full run.
 */
import { PUBLISHED_POPULARITY, type MethodResult, type SanityCheck } from './evaluate.ts';
import { CUTOFFS, type BucketMetrics } from './metrics.ts';
import type { NoPublishedRows, PublishedResults, PublishedRow } from './published.ts';
import { markedSection, replaceMarkedSection } from '../lib/marked-section.ts';

export interface EvalReport {
  readonly tool: 'vitrine eval';
  readonly createdAt: string;
  readonly command: string;
  readonly model: {
    readonly dir: string;
    readonly catalogId: string;
    readonly manifestSha256: string;
    readonly itemCount: number;
    readonly dim: number;
    readonly dtype: string;
  };
  readonly dataset: { readonly preset: string | null; readonly catalog: string; readonly events: string };
  readonly protocol: {
    readonly name: string;
    readonly description: string;
    readonly target: string;
    readonly cases: number;
    readonly skipped: Readonly<Record<string, number>>;
    readonly settings: Readonly<Record<string, string | number>>;
  };
  readonly backend: string;
  readonly replayPath: string;
  readonly wallSeconds: number;
  readonly peakRssBytes: number;
  readonly methods: readonly MethodResult[];
  /** The data set's published rows (its baselines.json), or why there are none. */
  readonly published: PublishedResults | NoPublishedRows;
  readonly sanity: SanityCheck;
}

const f4 = (value: number): string => value.toFixed(4);
const publishedRows = (report: EvalReport): readonly PublishedRow[] => ('none' in report.published ? [] : report.published.rows);

/** @param report the run; @returns its Markdown section (starting with a level-2 heading). */
export function renderMarkdown(report: EvalReport): string {
  const best = bestMethod(report.methods);
  const lines = [
    `## ${report.model.catalogId}: ${report.protocol.name} (${report.protocol.target})`,
    '',
    `- command: \`${report.command}\``,
    `- model: \`${report.model.dir}\` (${report.model.itemCount} items, ${report.model.dim}-d ${report.model.dtype}), manifest sha256 \`${report.model.manifestSha256}\``,
    `- data: \`${report.dataset.catalog}\`, \`${report.dataset.events}\`${report.dataset.preset === null ? '' : ` (preset ${report.dataset.preset})`}`,
    `- protocol: ${report.protocol.description}`,
    `- cases: ${report.protocol.cases}${Object.entries(report.protocol.skipped)
      .filter(([, n]) => n > 0)
      .map(([why, n]) => `; skipped ${n} (${why})`)
      .join('')}`,
    `- settings: ${Object.entries(report.protocol.settings)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `- backend: ${report.backend} (TF.js in Node), replay path: ${report.replayPath}; wall time ${report.wallSeconds.toFixed(1)} s, peak RSS ${(report.peakRssBytes / 2 ** 20).toFixed(0)} MiB; ${report.createdAt}`,
    '',
    '| method | HR@5 | NDCG@5 | HR@10 | NDCG@10 | HR@20 | NDCG@20 | MRR@100 | Recall@10 | coverage@10 | diversity@10 | popularity pct@10 | seconds |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.methods.map(
      ({ method, metrics: m, seconds }) =>
        `| ${method === best ? `**${method}**` : method} | ${CUTOFFS.map((k) => `${f4(m.hr[`${k}`])} | ${f4(m.ndcg[`${k}`])}`).join(' | ')} | ${f4(m.mrr)} | ${f4(m.recall['10'])} | ${f4(m.coverage10)} | ${m.diversity10 === null ? '-' : f4(m.diversity10)} | ${m.popularityPercentile10.toFixed(1)} | ${seconds.toFixed(1)} |`,
    ),
    ...publishedRows(report).map(
      ({ model, metrics }) =>
        `| *${model} (published)* | ${CUTOFFS.map((k) => [metrics[`HR@${k}`], metrics[`NDCG@${k}`]].map((v) => (v === undefined ? '-' : f4(v))).join(' | ')).join(' | ')} | | | | | | |`,
    ),
    '',
    describePublished(report.published),
    '',
    describeSanity(report.sanity),
    '',
  ];
  lines.push('HR@10 / NDCG@10 by history length (items before the target) and by target popularity:', '');
  const bucketNames = (pick: (m: MethodResult) => readonly BucketMetrics[]): string[] =>
    report.methods[0] === undefined ? [] : pick(report.methods[0]).map((b) => `${b.bucket} (n=${b.cases})`);
  const bucketTable = (pick: (m: MethodResult) => readonly BucketMetrics[]): string[] => [
    `| method | ${bucketNames(pick).join(' | ')} |`,
    `| --- | ${bucketNames(pick)
      .map(() => '---')
      .join(' | ')} |`,
    ...report.methods.map(
      (m) =>
        `| ${m.method} | ${pick(m)
          .map((b) => `${f4(b.hr10)} / ${f4(b.ndcg10)}`)
          .join(' | ')} |`,
    ),
    '',
  ];
  lines.push(...bucketTable((m) => m.metrics.byHistoryLength), ...bucketTable((m) => m.metrics.byTargetPopularity));
  lines.push('Methods:', '', ...report.methods.map((m) => `- \`${m.method}\`: ${m.description}`), '');
  return lines.join('\n');
}

function describePublished(published: PublishedResults | NoPublishedRows): string {
  if ('none' in published) return `${published.none.charAt(0).toUpperCase()}${published.none.slice(1)}.`;
  const sources = [...new Set(published.rows.map((row) => row.source))].join('; ');
  return `Published rows: ${published.dataset}, from \`${published.file}\` (${published.protocol}; sources: ${sources}).${published.note === null ? '' : ` ${published.note}`}`;
}

function describeSanity(sanity: SanityCheck): string {
  if (sanity.status === 'not applicable') return `**Sanity check: not applicable**: ${sanity.reason}.`;
  return `**Sanity check: ${sanity.status.toUpperCase()}**: \`${sanity.method}\` (popularity over the whole file, test items included) vs published ${sanity.publishedRow}: ${sanity.compared.map((c) => `${c.metric} ${f4(c.ours)}/${f4(c.published)}`).join(', ')}.`;
}

/** The method with the highest NDCG@10 (then HR@10), leaving out the leaky whole-file popularity. */
export function bestMethod(methods: readonly MethodResult[]): string | null {
  let best: MethodResult | null = null;
  for (const m of methods) {
    if (m.method === PUBLISHED_POPULARITY) continue;
    if (
      best === null ||
      m.metrics.ndcg['10'] > best.metrics.ndcg['10'] ||
      (m.metrics.ndcg['10'] === best.metrics.ndcg['10'] && m.metrics.hr['10'] > best.metrics.hr['10'])
    )
      best = m;
  }
  return best?.method ?? null;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22', '#393b79', '#637939'];

/**
 * @param report the run.
 * @returns an SVG line plot of HR@5/10/20 per method, published rows dashed (those that give all three; the table lists the rest).
 */
export function renderHitRatePlot(report: EvalReport): string {
  const series = [
    ...report.methods.map((m) => ({ name: m.method, values: CUTOFFS.map((k) => m.metrics.hr[`${k}`]), dashed: false })),
    ...publishedRows(report).flatMap(({ model, metrics }) => {
      const values = CUTOFFS.flatMap((k) => metrics[`HR@${k}`] ?? []);
      return values.length === CUTOFFS.length ? [{ name: `${model} (published)`, values, dashed: true }] : [];
    }),
  ];
  const width = 760;
  const height = 420;
  const plot = { left: 60, top: 30, right: 520, bottom: 370 };
  const top = Math.max(0.01, ...series.flatMap((s) => s.values)) * 1.1;
  const x = (i: number): number => plot.left + (i * (plot.right - plot.left)) / (CUTOFFS.length - 1);
  const y = (v: number): number => plot.bottom - (v / top) * (plot.bottom - plot.top);
  const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${plot.left}" y="18" font-size="14">${esc(`HR@k, ${report.model.catalogId}, ${report.protocol.name} (${report.protocol.target}), ${report.protocol.cases} cases`)}</text>`,
    `<line x1="${plot.left}" y1="${plot.bottom}" x2="${plot.right}" y2="${plot.bottom}" stroke="black"/>`,
    `<line x1="${plot.left}" y1="${plot.top}" x2="${plot.left}" y2="${plot.bottom}" stroke="black"/>`,
    ...CUTOFFS.map((k, i) => `<text x="${x(i)}" y="${plot.bottom + 18}" text-anchor="middle">k = ${k}</text>`),
    ...[0, 0.25, 0.5, 0.75, 1].map((t) => {
      const at = y(t * top).toFixed(1);
      return `<line x1="${plot.left}" y1="${at}" x2="${plot.right}" y2="${at}" stroke="#ddd"/><text x="${plot.left - 6}" y="${(Number(at) + 4).toFixed(1)}" text-anchor="end">${(t * top).toFixed(3)}</text>`;
    }),
  ];
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length] ?? 'black';
    const dash = s.dashed ? ' stroke-dasharray="5,4"' : '';
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${s.values.map((v, j) => `${x(j).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`,
    );
    parts.push(
      `<line x1="${plot.right + 20}" y1="${plot.top + 16 * i}" x2="${plot.right + 44}" y2="${plot.top + 16 * i}" stroke="${colour}" stroke-width="2"${dash}/><text x="${plot.right + 50}" y="${plot.top + 16 * i + 4}">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}

/**
 * Replaces (or appends) one generated section of docs/results.md, leaving the others as they are:
 * `eval:<model>` (npm run eval) or `train:<model>` (npm run train:sequence).
 * @param document the current file ('' when missing).
 * @param key the section's marker key, e.g. "eval:beauty".
 * @param section the new Markdown section.
 */
export function updateResultsDocument(document: string, key: string, section: string): string {
  const replaced = replaceMarkedSection(document, key, section);
  if (replaced !== null) return replaced;
  const header =
    '# Evaluation results\n\nWritten by `npm run eval` (src/offline/eval): one section per model, replaced by its latest full run on the test split.\nEach section says how it was produced; `.cache/eval/<model>/` holds the JSON report and the HR@k plot.\n';
  const base = document.trim() === '' ? header : document.trimEnd() + '\n';
  return `${base}\n${markedSection(key, section)}\n`;
}
