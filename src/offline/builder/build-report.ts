/**
 * The build report: what a model was built from and what happened on the way, written next to the
 * model as `build-report.json` (for tools: the evaluation harness, CI) and `build-report.md` (for
 * people). Neither is listed in the manifest: the browser never downloads them. It owns the report's
 * shape and its markdown rendering; build-model.ts fills it in.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildOptionsRecord } from '../lib/build-options.ts';
import { INPUT_REASONS, type InputReason, type ProblemSummary } from '../lib/ingest/problems.ts';
import { formatBytes, formatSeconds } from '../lib/progress.ts';
import type { ImportMapQuality } from './import-map-quality.ts';
import type { ItemVectorsReport } from './read-item-vectors.ts';

export const REPORT_JSON = 'build-report.json';
export const REPORT_MARKDOWN = 'build-report.md';

/** What the builder read from one input file. */
export interface InputReport extends ProblemSummary {
  readonly file: string;
  readonly bytes: number;
  /** Records read (lines of JSONL, data rows of CSV), good and skipped. */
  readonly records: number;
  /** Records used. */
  readonly used: number;
  /** skipped / records. */
  readonly invalidFraction: number;
}

export interface BuildReport {
  readonly builder: 'vitrine build:models';
  readonly status: 'built' | 'failed';
  /** Why it failed, when it did. */
  readonly failure: string | null;
  readonly createdAt: string;
  readonly command: readonly string[];
  /** Every resolved option (after presets and defaults): what evaluation and training read back. */
  readonly options: BuildOptionsRecord;
  readonly catalog: InputReport & { readonly items: number; readonly fieldsSeen: readonly string[]; readonly exampleTexts: readonly string[] };
  readonly events:
    | (InputReport & {
        readonly columns: Readonly<Record<string, string | null>>;
        readonly byType: Readonly<Record<string, number>>;
        /** The weight of each event type seen. */
        readonly weights: Readonly<Record<string, number>>;
        readonly heldOut: number;
        readonly training: number;
        readonly ungrouped: number;
        readonly users: number;
        readonly sequences: number;
        readonly sequenceGrouping: string;
        readonly itemsWithEvents: number;
        readonly hasTimestamps: boolean;
      })
    | null;
  /** The shop's own item vectors (--item-vectors), or null. */
  readonly itemVectors: (ItemVectorsReport & { readonly mapQuality: ImportMapQuality | null }) | null;
  readonly embedding: {
    readonly texts: number;
    readonly unique: number;
    readonly embedded: number;
    readonly cached: number;
    readonly workers: number;
    readonly encoderSeconds: number;
    readonly textsPerSecond: number | null;
  } | null;
  readonly behaviour: {
    readonly dim: number;
    readonly window: number | 'all';
    readonly trainedItems: number;
    readonly stats: Readonly<Record<string, number>>;
  } | null;
  readonly fusion: { readonly method: string; readonly textDim: number; readonly dim: number; readonly stats: Readonly<Record<string, number>> } | null;
  readonly quantisation: {
    readonly k: number;
    readonly histories: number;
    readonly source: string;
    readonly recall: Readonly<Record<'float16' | 'int8', number>>;
    readonly minRecall: number;
    readonly dtype: string;
    readonly requestedDtype: string;
    readonly belowThreshold: readonly string[];
  } | null;
  readonly popularity: { readonly halfLifeDays: number; readonly now: string | null; readonly events: number; readonly nonZero: number } | null;
  readonly model: {
    readonly dir: string;
    readonly itemCount: number;
    readonly dim: number;
    readonly encoderDim: number;
    readonly dtype: string;
    readonly projection: boolean;
    /** Bytes per file the manifest lists, plus the manifest. */
    readonly files: Readonly<Record<string, number>>;
    readonly totalBytes: number;
  } | null;
  /** Seconds per step. */
  readonly timings: Readonly<Record<string, number>>;
  readonly peakRssBytes: number;
  readonly warnings: readonly string[];
}

/**
 * Writes build-report.json and build-report.md into a folder.
 * @param dir the model folder.
 * @param report the report.
 */
export async function writeBuildReport(dir: string, report: BuildReport): Promise<void> {
  await writeFile(join(dir, REPORT_JSON), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(dir, REPORT_MARKDOWN), formatReportMarkdown(report));
}

/**
 * A short human-readable report.
 * @param report the report.
 */
export function formatReportMarkdown(report: BuildReport): string {
  const lines: string[] = [];
  const n = (value: number): string => value.toLocaleString('en-GB');
  lines.push(`# Build report: ${report.model?.dir ?? report.options.out}`, '');
  lines.push(`${report.status === 'built' ? 'Built' : `**Failed**: ${report.failure ?? ''}`} at ${report.createdAt} by \`${report.command.join(' ')}\`.`, '');
  for (const warning of report.warnings) lines.push(`> **Warning**: ${warning}`, '');

  lines.push('## Inputs', '', '| file | records | used | skipped | invalid |', '| --- | ---: | ---: | ---: | ---: |');
  for (const input of [report.catalog, report.events, report.itemVectors]) {
    if (input === null) continue;
    lines.push(`| \`${input.file}\` | ${n(input.records)} | ${n(input.used)} | ${n(input.skipped)} | ${(input.invalidFraction * 100).toFixed(2)}% |`);
  }
  lines.push('');
  for (const input of [report.catalog, report.events, report.itemVectors]) {
    if (input === null || input.skipped === 0) continue;
    lines.push(`Skipped in \`${input.file}\`:`, '');
    for (const [reason, count] of Object.entries(input.byReason) as [InputReason, number][]) {
      lines.push(`- ${n(count)} × ${INPUT_REASONS[reason]} (\`${reason}\`), e.g.`);
      for (const example of input.examples[reason] ?? []) lines.push(`  - \`${example}\``);
    }
    lines.push('');
  }
  if (report.events !== null) {
    const e = report.events;
    lines.push('## Events', '');
    lines.push(
      `- columns: ${Object.entries(e.columns)
        .map(([k, v]) => `${k}=${v ?? '—'}`)
        .join(', ')}`,
    );
    const effect = (weight: number | undefined): string =>
      weight === undefined
        ? ''
        : weight > 0
          ? ` (weight ${weight})`
          : weight < 0
            ? ` (weight ${weight}: lowers popularity, no co-occurrence)`
            : ' (weight 0: no effect)';
    lines.push(
      `- by type (used): ${
        Object.entries(e.byType)
          .map(([k, v]) => `${k} ${n(v)}${effect(e.weights[k])}`)
          .join(', ') || '—'
      }`,
    );
    lines.push(`- held out (each user's last --holdout-last events, and those at or after --train-before): ${n(e.heldOut)}; training events: ${n(e.training)}`);
    lines.push(
      `- ${n(e.sequences)} sequences by ${e.sequenceGrouping}; ${n(e.ungrouped)} training events have no ${e.sequenceGrouping} (used for popularity only)`,
    );
    lines.push(
      `- users: ${n(e.users)}; items with events: ${n(e.itemsWithEvents)}; timestamps: ${e.hasTimestamps ? 'yes' : 'no (popularity is not time-decayed)'}`,
      '',
    );
  }
  if (report.itemVectors !== null) lines.push(...importedLines(report.itemVectors, n));
  lines.push('## Steps', '');
  if (report.embedding !== null) {
    const m = report.embedding;
    lines.push(
      `- text embeddings: ${n(m.texts)} texts (${n(m.unique)} distinct): **embedded ${n(m.embedded)}, from cache ${n(m.cached)}**` +
        ` on ${m.workers} worker${m.workers === 1 ? '' : 's'}${m.textsPerSecond === null ? '' : `, ${m.textsPerSecond.toFixed(1)} texts/s (encoder start-up included)`}`,
    );
  }
  if (report.behaviour !== null)
    lines.push(`- behaviour: ${report.behaviour.dim}-d, window ${report.behaviour.window}, ${n(report.behaviour.trainedItems)} items learned from events`);
  if (report.fusion !== null)
    lines.push(`- vectors: ${report.fusion.method}, ${report.fusion.textDim}-d ${report.itemVectors === null ? 'text' : 'imported'} → ${report.fusion.dim}-d`);
  if (report.popularity !== null) {
    const decay =
      report.popularity.now === null ? 'not time-decayed (no timestamps)' : `half-life ${report.popularity.halfLifeDays} days as of ${report.popularity.now}`;
    lines.push(`- popularity: ${n(report.popularity.events)} training events, ${decay}; ${n(report.popularity.nonZero)} items > 0`);
  }
  if (report.quantisation !== null) {
    const q = report.quantisation;
    lines.push(
      `- quantisation: recall@${q.k} vs float32 over ${n(q.histories)} ${q.source}: float16 ${q.recall.float16.toFixed(4)}, int8 ${q.recall.int8.toFixed(4)} ` +
        `(minimum ${q.minRecall}); stored as **${q.dtype}**${q.requestedDtype === 'auto' ? ' (auto)' : ''}`,
    );
  }
  lines.push('');
  if (report.model !== null) {
    const m = report.model;
    lines.push(
      '## Model',
      '',
      `${n(m.itemCount)} items × ${m.dim} ${m.dtype}${m.projection ? `, query projection ${m.encoderDim} × ${m.dim}` : ''}; ${formatBytes(m.totalBytes)} to download:`,
      '',
    );
    for (const [file, bytes] of Object.entries(m.files)) lines.push(`- \`${file}\` ${formatBytes(bytes)}`);
    lines.push('');
  }
  lines.push('## Time and memory', '');
  lines.push(
    Object.entries(report.timings)
      .map(([step, seconds]) => `${step} ${formatSeconds(seconds)}`)
      .join(' · '),
  );
  lines.push('', `Peak resident memory: ${formatBytes(report.peakRssBytes)}.`, '');
  return `${lines.join('\n')}\n`;
}

function importedLines(imported: NonNullable<BuildReport['itemVectors']>, n: (value: number) => string): string[] {
  const lines = ['## Imported item vectors', ''];
  lines.push(
    `- ${imported.format}, ${imported.dim}-d: ${n(imported.imported)} catalogue items imported, ${n(imported.missing)} without a vector (placed by their text mapped into that space)${imported.missingExamples.length > 0 ? `, e.g. ${imported.missingExamples.map((id) => `\`${id}\``).join(', ')}` : ''}`,
  );
  const q = imported.mapQuality;
  lines.push(
    q === null
      ? '- map from the built-in encoder: not measured (fewer than 50 imported items to hold out)'
      : `- map from the built-in encoder, on ${n(q.evaluatedItems)} held-out items among ${n(q.candidates)}: title recall@10 **${q.titleRecallAt10.toFixed(4)}** (search), ` +
          `fallback recall@10 ${q.fallbackRecallAt10.toFixed(4)}, fallback mean cosine ${q.fallbackMeanCosine.toFixed(4)}`,
    '',
  );
  return lines;
}

/**
 * The lines printed after a build: what was written, what was used and skipped, the recall check.
 * @param report the finished report.
 */
export function summaryLines(report: BuildReport): string[] {
  const lines = [`build:models: wrote ${report.model?.dir ?? ''} in ${formatSeconds(report.timings['total'] ?? 0)}`];
  const m = report.model;
  if (m !== null)
    lines.push(`  ${m.itemCount} items x ${m.dim} ${m.dtype}${m.projection ? ` + projection ${m.encoderDim}x${m.dim}` : ''}, ${formatBytes(m.totalBytes)}`);
  lines.push(`  catalogue: ${report.catalog.used} of ${report.catalog.records} records used, ${report.catalog.skipped} skipped`);
  if (report.events !== null) {
    const e = report.events;
    lines.push(
      `  events: ${e.used} of ${e.records} used (${e.skipped} skipped, ${e.heldOut} held out); ${e.sequences} sequences by ${e.sequenceGrouping}; ${e.itemsWithEvents} items with events`,
    );
  }
  if (report.itemVectors !== null) {
    const v = report.itemVectors;
    const q = v.mapQuality;
    lines.push(
      `  item vectors: ${v.imported} imported (${v.dim}-d ${v.format}), ${v.missing} from text, ${v.skipped} skipped` +
        (q === null ? '' : `; title recall@10 ${q.titleRecallAt10.toFixed(4)} on ${q.evaluatedItems} held-out items`),
    );
  }
  if (report.embedding !== null) lines.push(`  texts: embedded ${report.embedding.embedded}, from cache ${report.embedding.cached}`);
  if (report.quantisation !== null) {
    const q = report.quantisation;
    lines.push(
      `  recall@${q.k} vs float32 (${q.histories} ${q.source}): float16 ${q.recall.float16.toFixed(4)}, int8 ${q.recall.int8.toFixed(4)} -> stored ${q.dtype}`,
    );
  }
  lines.push(`  peak memory ${formatBytes(report.peakRssBytes)}; report in build-report.json / build-report.md`);
  return lines;
}

/**
 * A report figure rounded to a number of decimal places.
 * @param value the figure.
 * @param digits decimal places.
 */
export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
