/**
 * What `npm run bench` writes, and the derived views of it: the ratios the targets are judged by
 * (computed only from figures of the same run), the self-contained HTML chart, and the Markdown
 * summary committed as docs/benchmarks.md. Pure functions of the run's JSON, so the committed
 * summary can always be regenerated from the output file it names.
 */
import type {
  BenchCaseResult,
  BenchEnvironment,
  BenchMethod,
  BenchMethodResult,
  LexicalBenchResult,
  SequenceBenchResult,
  SequenceBenchSpec,
} from '../../src/bench/bench-types.ts';
import { renderEncoderSection, type EncoderBytes } from './bench-encoder.ts';
import { renderStorefrontSection, storefrontTargets, type StorefrontRuns } from './storefront-report.ts';

export interface BenchRun extends StorefrontRuns {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly grid: 'default' | 'full';
  readonly browserVersion: string;
  readonly environment: BenchEnvironment;
  readonly cases: readonly BenchCaseResult[];
  /** The sequence model's per-interaction work (absent in runs made before it existed). */
  readonly sequence?: { readonly spec: SequenceBenchSpec; readonly results: readonly SequenceBenchResult[] } | { readonly failed: string };
  /** Search as you type over the lexical index (absent in runs made before it existed). */
  readonly lexical?: readonly LexicalBenchResult[] | { readonly failed: string };
  /** The query encoder's download before and after quantisation (absent in runs made before it existed). */
  readonly encoder?: EncoderBytes;
}

/** A ratio the issue's targets are judged by, with the two figures it comes from. */
export interface TargetFigure {
  readonly name: string;
  readonly value: number | null;
  readonly target: string;
  readonly met: boolean | null;
  readonly detail: string;
  /** The value as the table shows it, with its unit, when it is not milliseconds, a ratio or a recall (e.g. "269.66 MB"). */
  readonly shown?: string;
}

const ok = (results: readonly BenchMethodResult[]) => results.filter((r) => r.status === 'ok' && r.p95Ms !== undefined && r.medianMs !== undefined);
const find = (run: BenchRun, mode: 'score' | 'interaction', count: number, dim: number, dtype: string): BenchCaseResult | undefined =>
  run.cases.find((c) => c.spec.mode === mode && c.spec.count === count && c.spec.dim === dim && c.spec.dtype === dtype);
const byMethod = (c: BenchCaseResult | undefined, method: BenchMethod) => c?.results.find((r) => r.method === method && r.status === 'ok');
const fmt = (ms: number | undefined): string => (ms === undefined ? 'n/a' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

/** The figures of the issue's targets, from one run (100k x 128). */
export function targetFigures(run: BenchRun): TargetFigure[] {
  const figures: TargetFigure[] = [];
  const interaction = find(run, 'interaction', 100_000, 128, 'float32');
  const score = find(run, 'score', 100_000, 128, 'float32');
  const engines = ok(interaction?.results ?? []).filter((r) => r.method.startsWith('engine:'));
  const best = engines.sort((a, b) => (a.p95Ms ?? Infinity) - (b.p95Ms ?? Infinity))[0];
  const plain = byMethod(interaction, 'plain-js');
  const peers = ok(score?.results ?? []).filter((r) => r.method.startsWith('peer:'));
  const bestPeer = peers.sort((a, b) => (a.p95Ms ?? Infinity) - (b.p95Ms ?? Infinity))[0];
  if (best !== undefined) {
    figures.push({
      name: 'engine work per interaction, p95 (best backend)',
      value: best.p95Ms ?? null,
      target: '<= 16 ms',
      met: (best.p95Ms ?? Infinity) <= 16,
      detail: `${best.method} (${best.backend ?? '?'}): median ${fmt(best.medianMs)} ms, p95 ${fmt(best.p95Ms)} ms`,
    });
    if (plain !== undefined) {
      const ratio = (plain.p95Ms ?? 0) / (best.p95Ms ?? Infinity);
      figures.push({
        name: 'best engine vs plain JS (p95)',
        value: ratio,
        target: '>= 2x',
        met: ratio >= 2,
        detail: `plain JS p95 ${fmt(plain.p95Ms)} ms vs ${best.method} p95 ${fmt(best.p95Ms)} ms`,
      });
    }
    if (bestPeer !== undefined) {
      const ratio = (bestPeer.p95Ms ?? 0) / (best.p95Ms ?? Infinity);
      figures.push({
        name: 'best engine vs best peer library (p95)',
        value: ratio,
        target: '>= 2x',
        met: ratio >= 2,
        detail: `${bestPeer.method} search p95 ${fmt(bestPeer.p95Ms)} ms vs ${best.method} p95 ${fmt(best.p95Ms)} ms`,
      });
    }
  }
  const kernel = byMethod(score, 'engine:webgpu');
  const stock = byMethod(score, 'stock:webgpu');
  if (kernel !== undefined && stock !== undefined) {
    const ratio = (stock.medianMs ?? 0) / (kernel.medianMs ?? Infinity);
    figures.push({
      name: 'WebGPU kernel vs stock matMul + topk (median, same adapter)',
      value: ratio,
      target: '>= 10x',
      met: ratio >= 10,
      detail: `stock ${fmt(stock.medianMs)} ms vs kernel ${fmt(kernel.medianMs)} ms`,
    });
  }
  // The wasm scorer scores an int8 copy of float32 items, then re-ranks exactly (engine/kernels/wasm-scorer.ts).
  const wasmScorer = byMethod(score, 'engine:wasm');
  if (wasmScorer?.recall !== undefined) {
    figures.push({
      name: 'int8 scoring with exact re-rank (wasm scorer) recall@50 vs float32 (synthetic clusters, 100,000 x 128)',
      value: wasmScorer.recall,
      target: '>= 0.99',
      met: wasmScorer.recall >= 0.99,
      detail: 'mean over 8 interest vectors; float32 items',
    });
  }
  for (const source of ['synthetic', 'demo-model'] as const) {
    for (const dtype of ['int8', 'float16'] as const) {
      const found = run.cases.find(
        (c) =>
          c.spec.mode === 'score' &&
          c.spec.source === source &&
          c.spec.dtype === dtype &&
          (source === 'demo-model' || (c.spec.count === 100_000 && c.spec.dim === 128)),
      );
      const quantised = byMethod(found, 'engine:webgpu');
      if (found === undefined || quantised?.recall === undefined) continue;
      const where = source === 'demo-model' ? `demo model's real embeddings, ${found.spec.count} x ${found.spec.dim}` : 'synthetic clusters, 100,000 x 128';
      figures.push({
        name: `${dtype} storage (the WebGPU kernel over the ${dtype} file's values) recall@${found.spec.k} vs float32 (${where})`,
        value: quantised.recall,
        target: dtype === 'int8' ? '>= 0.99' : '(no target)',
        met: dtype === 'int8' ? quantised.recall >= 0.99 : null,
        detail: 'mean over 8 interest vectors',
      });
    }
  }
  figures.push(...storefrontTargets(run));
  return figures;
}

function adapterText(environment: BenchEnvironment): string {
  const a = environment.adapter;
  if ('unavailable' in a) return `no WebGPU adapter (${a.unavailable})`;
  return `${a.vendor || '?'} / ${a.architecture || '?'}${a.description ? ` (${a.description})` : ''}${a.isFallbackAdapter === true ? ', fallback (software) adapter' : ''}`;
}

function caseTitle(c: BenchCaseResult): string {
  return `${c.spec.source === 'demo-model' ? 'demo model (real embeddings): ' : ''}${c.spec.mode === 'score' ? 'scoring + top-' + c.spec.k : 'interaction (update + top-' + c.spec.k + ')'}, ${c.spec.count.toLocaleString('en')} x ${c.spec.dim} ${c.spec.dtype}`;
}

/** The issue's targets as a Markdown table, one row per figure of `targetFigures`. */
function renderTargetsTable(run: BenchRun): string[] {
  const shown = (f: TargetFigure): string =>
    f.value === null
      ? 'n/a'
      : (f.shown ?? (f.name.includes('recall') ? f.value.toFixed(3) : f.name.includes(' vs ') ? `${f.value.toFixed(1)}x` : `${fmt(f.value)} ms`));
  const rows = targetFigures(run).map(
    (f) => `| ${f.name} | ${shown(f)}${f.detail === '' ? '' : ` (${f.detail})`} | ${f.target} | ${f.met === null ? '-' : f.met ? 'yes' : '**no**'} |`,
  );
  return ['| figure | measured | target | met |', '| --- | --- | --- | --- |', ...rows];
}

/**
 * The README's benchmark summary (its `bench:targets` section), so that every figure the README
 * shows comes from the latest run's file, named in the first line.
 */
export function renderReadmeTargets(run: BenchRun, sourceFile: string): string {
  return [
    `From \`${sourceFile}\` (${run.grid} grid, ${run.finishedAt}; ${run.browserVersion}, WebGPU adapter ${adapterText(run.environment)}, ${run.environment.hardwareConcurrency} CPU threads), at 100,000 x 128 and in the storefront:`,
    '',
    ...renderTargetsTable(run),
  ].join('\n');
}

/** docs/benchmarks.md: every figure is copied from `run`, whose file is named in the header. */
export function renderMarkdown(run: BenchRun, sourceFile: string): string {
  const lines: string[] = [];
  lines.push('# Benchmarks', '');
  lines.push(`Generated by \`npm run bench\` from \`${sourceFile}\` (${run.grid} grid), ${run.finishedAt}. Do not edit by hand: re-run the bench.`, '');
  lines.push(`- Browser: ${run.browserVersion} (${run.environment.userAgent})`);
  lines.push(`- WebGPU adapter: ${adapterText(run.environment)}`);
  lines.push(`- CPU threads visible to the page: ${run.environment.hardwareConcurrency}; cross-origin isolated: ${run.environment.crossOriginIsolated}`);
  lines.push(
    '- Timings are milliseconds per call on this machine, shared with other work: compare the ratios within this run, not across machines. A software WebGPU adapter is a CPU in disguise and says nothing about a real GPU.',
    '',
  );
  lines.push('## Targets (100,000 x 128, and the storefront)', '', ...renderTargetsTable(run), '');
  lines.push(...renderStorefrontSection(run));
  if (run.sequence !== undefined) lines.push(...renderSequenceSection(run.sequence));
  if (run.lexical !== undefined) lines.push(...renderLexicalSection(run.lexical));
  if (run.encoder !== undefined) lines.push(...renderEncoderSection(run.encoder));
  lines.push('## Every case', '');
  lines.push(
    "Methods: `plain-js` = core/rank.ts on a Float32Array; `engine:B` = the ItemSpace on backend B (on webgpu: the scoring kernel over the matrix stored in the case's dtype; other backends score the decoded float32 values); `stock:B` = TF.js `matMul` + prior + `tf.topk`; `peer:*` = npm vector-search libraries (cosine only, no popularity prior; setup = building their index). Recall is against the exact float32 top-k.",
    '',
  );
  for (const c of run.cases) {
    lines.push(
      `### ${caseTitle(c)}`,
      '',
      '| method | backend | median ms | p95 ms | runs | recall | setup ms | note |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const r of c.results) {
      lines.push(
        `| ${r.method} | ${r.backend ?? ''} | ${fmt(r.medianMs)} | ${fmt(r.p95Ms)} | ${r.runs ?? ''} | ${r.recall === undefined ? '' : r.recall.toFixed(3)} | ${r.setupMs === undefined ? '' : fmt(r.setupMs)} | ${r.status === 'ok' ? '' : `${r.status}: ${(r.reason ?? '').replaceAll('|', '/').slice(0, 160)}`} |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function renderSequenceSection(sequence: NonNullable<BenchRun['sequence']>): string[] {
  const lines = ['## The sequence model, per interaction', ''];
  if ('failed' in sequence) return [...lines, `Not measured: ${sequence.failed}`, ''];
  const { spec } = sequence;
  lines.push(
    `Encoding the latest ${spec.length} items with a ${spec.blocks}-block, ${spec.heads}-head, ${spec.dim}-d model over ${spec.itemCount.toLocaleString('en')} items (Amazon Beauty's shape; fresh weights: the time depends on the shape only), read back, then the engine's score + top-${spec.k} over the item table.`,
    '',
    '| backend | encode median / p95 ms | encode + score + top-k median / p95 ms | runs | note |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const r of sequence.results) {
    lines.push(
      `| ${r.backend} | ${fmt(r.encodeMedianMs)} / ${fmt(r.encodeP95Ms)} | ${fmt(r.interactionMedianMs)} / ${fmt(r.interactionP95Ms)} | ${r.runs ?? ''} | ${r.status === 'ok' ? '' : `${r.status}: ${(r.reason ?? '').replaceAll('|', '/').slice(0, 160)}`} |`,
    );
  }
  return [...lines, ''];
}

/** The keystroke budget of the search box's lexical part (its completions), at p95. */
const LEXICAL_TARGET_MS = 30;

function renderLexicalSection(lexical: NonNullable<BenchRun['lexical']>): string[] {
  const lines = ['## Search as you type (lexical index)', ''];
  if ('failed' in lexical) return [...lines, `Not measured: ${lexical.failed}`, ''];
  const first = lexical[0]?.spec;
  if (first !== undefined)
    lines.push(
      `src/search's index over a synthetic catalogue made from the demo catalogue's texts, built in the page; then each of ${first.queries.length} queries (${first.queries.map((q) => `"${q}"`).join(', ')}) typed letter by letter, ${first.rounds} times, every keystroke asking \`suggest\` for ${first.suggestions} completions, as the search box does (the matches are searched once, on Enter). Target: p95 ≤ ${LEXICAL_TARGET_MS} ms per keystroke.`,
      '',
    );
  lines.push('| items | build ms | keystrokes | keystroke median ms | keystroke p95 ms | target | note |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of lexical) {
    const met = r.keystrokeP95Ms === undefined ? '' : r.keystrokeP95Ms <= LEXICAL_TARGET_MS ? 'met' : 'MISSED';
    lines.push(
      `| ${r.spec.count} | ${fmt(r.buildMs)} | ${r.keystrokes ?? ''} | ${fmt(r.keystrokeMedianMs)} | ${fmt(r.keystrokeP95Ms)} | ${met} | ${r.status === 'ok' ? '' : `${r.status}: ${(r.reason ?? '').replaceAll('|', '/').slice(0, 160)}`} |`,
    );
  }
  return [...lines, ''];
}

const escapeHtml = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** A self-contained HTML page (inline SVG, no script) with one bar chart of medians per case. */
export function renderChart(run: BenchRun): string {
  const charts = run.cases.map((c) => {
    const rows = ok(c.results);
    const max = Math.max(...rows.map((r) => r.p95Ms ?? 0), 1);
    const barHeight = 18;
    const width = 760;
    const labelWidth = 220;
    const bars = rows
      .map((r, i) => {
        const y = i * (barHeight + 6);
        const scale = (ms: number) => Math.max(1, ((width - labelWidth - 140) * Math.log10(1 + ms)) / Math.log10(1 + max));
        return `<text x="0" y="${y + 13}" font-size="12">${escapeHtml(r.method)}</text>
<rect x="${labelWidth}" y="${y}" width="${scale(r.medianMs ?? 0).toFixed(1)}" height="${barHeight}" fill="${r.method.startsWith('peer:') ? '#b35' : r.method === 'plain-js' ? '#777' : r.method.startsWith('stock:') ? '#c93' : '#368'}"/>
<line x1="${(labelWidth + scale(r.p95Ms ?? 0)).toFixed(1)}" x2="${(labelWidth + scale(r.p95Ms ?? 0)).toFixed(1)}" y1="${y}" y2="${y + barHeight}" stroke="#000"/>
<text x="${(labelWidth + scale(r.p95Ms ?? 0) + 6).toFixed(1)}" y="${y + 13}" font-size="12">${fmt(r.medianMs)} / ${fmt(r.p95Ms)} ms</text>`;
      })
      .join('\n');
    return `<h2>${escapeHtml(caseTitle(c))}</h2>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${rows.length * (barHeight + 6)}" font-family="sans-serif">${bars}</svg>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vitrine benchmarks ${escapeHtml(run.finishedAt)}</title></head>
<body style="font-family: sans-serif; max-width: 800px">
<h1>Vitrine benchmarks</h1>
<p>${escapeHtml(run.browserVersion)}; WebGPU adapter: ${escapeHtml(adapterText(run.environment))}; ${escapeHtml(run.finishedAt)}. Bars: median (log scale); tick and label: median / p95.</p>
${charts.join('\n')}
</body></html>
`;
}
