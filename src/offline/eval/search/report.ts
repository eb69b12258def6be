/**
 * The search evaluation's report: one Markdown table of every folder, set, method and encoder,
 * what each folder is and which sets it ran (and why not the others), and whether hybrid search
 * beats both single methods on every set; docs/results.md holds it between SECTION_KEY markers.
 */
import { markedSection, replaceMarkedSection } from '../../lib/marked-section.ts';
import type { SearchEvalRow } from './evaluate-search.ts';
import type { SetScores } from './metrics.ts';

/** The marker of the section in docs/results.md. */
export const SECTION_KEY = 'eval:search';

/** Sets that should find nothing: only their zero-result rate is reported. */
export const RANDOM_SET = 'random';

/** Which metric decides "hybrid beats": MRR@10 for one target per query, nDCG@10 for sets of relevant items. */
const DECIDING: Readonly<Record<string, keyof SetScores>> = { 'known-item': 'mrr10' };
const DEFAULT_DECIDING: keyof SetScores = 'ndcg10';
const METRIC_NAMES: Readonly<Partial<Record<keyof SetScores, string>>> = { ndcg10: 'nDCG@10', mrr10: 'MRR@10', hr10: 'HR@10' };

/** One folder's run. */
export interface FolderReport {
  readonly name: string;
  /** The folder as given on the command line. */
  readonly path: string;
  readonly itemCount: number;
  readonly dim: number;
  readonly textTemplate: string;
  /** The command that built the folder. */
  readonly buildCommand: string;
  /** The semantic floor the searcher used, and where it came from. */
  readonly floor: { readonly value: number; readonly source: string };
  /** Each set run, with its size and how it was made. */
  readonly sets: readonly { readonly name: string; readonly queries: number; readonly how: string }[];
  /** Sets not run on this folder, and why. */
  readonly skipped: readonly string[];
  readonly rows: readonly SearchEvalRow[];
  /** Semantic and hybrid rows with the semantic floor off (a diagnostic: not what the browser does), or none. */
  readonly floorOffRows: readonly SearchEvalRow[];
  /** Semantic and hybrid rows as a paged model searches (cosines from its codes: paged-view.ts), or none. */
  readonly pagedRows: readonly SearchEvalRow[];
}

export interface SearchReport {
  readonly command: string;
  readonly folders: readonly FolderReport[];
  /** Encoders not run, and why (e.g. the quantised one could not be loaded). */
  readonly notes: readonly string[];
  readonly seconds: number;
  readonly date: string;
}

const figure = (value: number): string => value.toFixed(4);
const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;

/**
 * @param folders the folders' runs.
 * @param rowsOf which of a folder's rows (default: the storefront's own).
 * @returns the table: one row per folder, set, method and encoder.
 */
export function renderTable(folders: readonly FolderReport[], rowsOf: (folder: FolderReport) => readonly SearchEvalRow[] = (folder) => folder.rows): string {
  const lines = [
    '| model | set | queries | method | encoder | nDCG@10 | HR@10 | MRR@10 | no results | matches/query |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const folder of folders) {
    for (const row of rowsOf(folder)) {
      const random = row.set === RANDOM_SET;
      const { scores } = row;
      const metrics = random ? ['–', '–', '–'] : [figure(scores.ndcg10), figure(scores.hr10), figure(scores.mrr10)];
      lines.push(
        `| ${folder.name} | ${row.set} | ${scores.queries} | ${row.method} | ${row.encoder ?? '–'} | ${metrics.join(' | ')} | ${percent(scores.zeroResultRate)} | ${row.meanMatches.toFixed(1)} |`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * Per folder, set and encoder: hybrid's deciding metric against the better single method.
 * @returns one line each, and whether hybrid beat both everywhere.
 */
export function hybridVerdicts(folders: readonly FolderReport[]): { lines: string[]; allBeat: boolean } {
  const lines: string[] = [];
  let allBeat = true;
  for (const folder of folders) {
    for (const hybrid of folder.rows.filter((row) => row.method === 'hybrid' && row.set !== RANDOM_SET)) {
      const metric = DECIDING[hybrid.set] ?? DEFAULT_DECIDING;
      const of = (method: string): number =>
        folder.rows.find((row) => row.set === hybrid.set && row.method === method && (method === 'lexical' || row.encoder === hybrid.encoder))?.scores[
          metric
        ] ?? 0;
      const lexical = of('lexical');
      const semantic = of('semantic');
      const beats = hybrid.scores[metric] > lexical && hybrid.scores[metric] > semantic;
      allBeat &&= beats;
      lines.push(
        `- ${folder.name}, ${hybrid.set}, ${hybrid.encoder ?? ''}: hybrid ${METRIC_NAMES[metric] ?? metric} ${figure(hybrid.scores[metric])} vs lexical ${figure(lexical)}, semantic ${figure(semantic)}: **${beats ? 'beats both' : 'does not beat both'}**`,
      );
    }
  }
  return { lines, allBeat };
}

/** @returns the Markdown section: command, folders, table, random-query zero-result rates, verdicts. */
export function renderSearchMarkdown(report: SearchReport): string {
  const verdicts = hybridVerdicts(report.folders);
  const randomRows = report.folders.flatMap((folder) => folder.rows.filter((row) => row.set === RANDOM_SET).map((row) => ({ folder, row })));
  return [
    '## Search: lexical, semantic and hybrid',
    '',
    `- command: \`${report.command}\``,
    `- what runs: core's createSearcher (src/core/search.ts) over each folder's item vectors, with the lexical index of src/search; queries embedded in Node with the text encoder and projected into the item space as the browser does (core's query-terms.ts); ${report.seconds.toFixed(1)} s, ${report.date}`,
    '- metrics at the first page (10): nDCG@10 (binary relevance), HR@10, MRR@10 (0 beyond rank 10); "no results": share of queries that matched nothing',
    ...report.notes.map((note) => `- ${note}`),
    '',
    ...report.folders.flatMap((folder) => [
      `**${folder.name}** (\`${folder.path}\`): ${folder.itemCount} items, ${folder.dim}-d, items embedded from \`${folder.textTemplate}\`; semantic floor ${folder.floor.value.toFixed(4)} (${folder.floor.source})`,
      '',
      `- built with: \`${folder.buildCommand}\``,
      ...folder.sets.map((set) => `- ${set.name}: ${set.queries} queries: ${set.how}`),
      ...folder.skipped.map((why) => `- not run: ${why}`),
      '',
    ]),
    renderTable(report.folders),
    '',
    ...(report.folders.some((folder) => folder.floorOffRows.length > 0)
      ? [
          'Diagnostic, not what the browser does: semantic and hybrid search with the semantic floor off (every item is a semantic match, ranked by cosine; lexical rows as above):',
          '',
          renderTable(report.folders, (folder) => folder.floorOffRows),
          '',
        ]
      : []),
    ...(report.folders.some((folder) => folder.pagedRows.length > 0)
      ? [
          "As a paged model searches (core/paged-semantic-scan.ts): the semantic side ranks by cosines from product-quantisation codes in the builder's default layout, trained as it trains a paged model's, with the semantic floor taken over them as it takes a paged model's, and reads no vector page (lexical rows as above):",
          '',
          renderTable(report.folders, (folder) => folder.pagedRows),
          '',
        ]
      : []),
    `Random-character queries with no results (must be 100%): ${randomRows.map(({ folder, row }) => `${folder.name} ${row.method}${row.encoder === null ? '' : ` ${row.encoder}`} ${percent(row.scores.zeroResultRate)}`).join('; ') || 'not run'}.`,
    '',
    `Hybrid against the better single method (known-item by MRR@10, the others by nDCG@10): **${verdicts.allBeat ? 'hybrid beats both on every set' : 'hybrid does not beat both on every set'}**.`,
    '',
    ...verdicts.lines,
  ].join('\n');
}

/**
 * @param document docs/results.md's text.
 * @param body the section.
 * @returns the document with its search section replaced, or the section appended when it has none.
 */
export function withSearchSection(document: string, body: string): string {
  return replaceMarkedSection(document, SECTION_KEY, body) ?? `${document.trimEnd()}\n\n${markedSection(SECTION_KEY, body)}\n`;
}
