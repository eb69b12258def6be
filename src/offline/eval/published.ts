/**
 * A data set's published full-ranking results, read from the `baselines.json` that sits beside its
 * `events.csv` (../shared/data/<set>/), so the report shows the rows of the data set the model was
 * built from, and none for a data set (a shop's own log) that has no such file. The schema:
 * `{dataset, protocol, note?, rows: [{model, source, metrics: {"HR@5": …, "NDCG@5": …, …}}]}`,
 * where a row may give only some of the six metrics (newer papers often report @10 alone).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { RecError } from '../../core/errors.ts';
import { fromRepo } from './load.ts';

/** The file a data set folder keeps its published rows in. */
export const BASELINES_FILE = 'baselines.json';

/**
 * The published row our whole-file popularity must reproduce: PopRec counts popularity over the
 * whole file, test items included, so it checks the evaluator, not a baseline to beat.
 */
export const SANITY_ROW = 'PopRec';

/** The metrics a published row may give, in report order. */
export const PUBLISHED_METRICS = ['HR@5', 'NDCG@5', 'HR@10', 'NDCG@10', 'HR@20', 'NDCG@20'] as const;
export type PublishedMetric = (typeof PUBLISHED_METRICS)[number];

export interface PublishedRow {
  readonly model: string;
  /** Where the numbers come from (paper, repository, commit). */
  readonly source: string;
  /** The metrics the source reports; the others are absent. */
  readonly metrics: Readonly<Partial<Record<PublishedMetric, number>>>;
}

export interface PublishedResults {
  /** The baselines file, as named by the build report's events path or by --baselines. */
  readonly file: string;
  /** The data set's name in the file, e.g. "Beauty". */
  readonly dataset: string;
  /** The protocol the rows were measured under, in words. */
  readonly protocol: string;
  readonly note: string | null;
  readonly rows: readonly PublishedRow[];
}

/** Why a report has no published rows. */
export interface NoPublishedRows {
  readonly none: string;
}

/** Where the published rows of a model's data set are looked for. */
export interface PublishedQuery {
  /** --baselines (relative to the working folder), or null to look beside the events file. */
  readonly baselines: string | null;
  /** The events file as the build report records it (relative to the repository root). */
  readonly events: string;
  /**
   * Whether the run is one the published rows were measured on: leave-one-out, test target, every
   * case. The file is still read and checked otherwise, so a broken one shows up in quick runs too.
   */
  readonly applies: boolean;
}

/**
 * @param query where to look and whether the rows apply to this run.
 * @returns the rows, or why there are none.
 * @throws RecError CONFIG_INVALID naming the file (and field) when --baselines is missing or a file is malformed.
 */
export async function findPublished(query: PublishedQuery): Promise<PublishedResults | NoPublishedRows> {
  const file = query.baselines ?? join(dirname(query.events), BASELINES_FILE);
  const path = query.baselines === null ? fromRepo(file) : resolve(file);
  const published = await readBaselines(file, path, { optional: query.baselines === null });
  if (published === null) return { none: `no published rows for this data set (no ${file})` };
  if (!query.applies) return { none: 'published rows apply only to a full leave-one-out run on the test split' };
  return published;
}

/**
 * @param file the path to show in the report and in errors.
 * @param path the same file, resolved.
 * @param options optional: a missing file is null instead of an error.
 * @throws RecError CONFIG_INVALID naming the file when it cannot be read or does not check out.
 */
export async function readBaselines(file: string, path: string, options: { readonly optional: boolean }): Promise<PublishedResults | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (options.optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new RecError('CONFIG_INVALID', `cannot read the published rows (${(error as Error).message})`, { file }, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RecError('CONFIG_INVALID', `expected JSON (${(error as Error).message})`, { file }, { cause: error });
  }
  return parseBaselines(json, file);
}

/**
 * @param json a parsed baselines.json.
 * @param file its path, for errors.
 * @throws RecError CONFIG_INVALID naming the file and the field that does not check out.
 */
export function parseBaselines(json: unknown, file: string): PublishedResults {
  const fail = (field: string, expected: string, found: unknown): never => {
    throw new RecError('CONFIG_INVALID', `expected ${expected}, found ${JSON.stringify(found) ?? 'nothing'}`, { file, field });
  };
  if (!isObject(json)) return fail('(root)', 'an object {dataset, protocol, note, rows}', json);
  const text = (value: unknown, field: string): string => (typeof value === 'string' && value.trim() !== '' ? value : fail(field, 'a non-empty string', value));
  const rowsJson = json['rows'];
  if (!Array.isArray(rowsJson) || rowsJson.length === 0) return fail('rows', 'a non-empty array of rows', rowsJson);
  const seen = new Set<string>();
  const rows = rowsJson.map((row: unknown, i): PublishedRow => {
    const at = `rows[${i}]`;
    if (!isObject(row)) return fail(at, 'an object {model, source, metrics}', row);
    const model = text(row['model'], `${at}.model`);
    if (seen.has(model)) fail(`${at}.model`, 'a model named once', model);
    seen.add(model);
    const metricsJson = row['metrics'];
    if (!isObject(metricsJson) || Object.keys(metricsJson).length === 0)
      return fail(`${at}.metrics`, `an object with some of ${PUBLISHED_METRICS.join(', ')}`, metricsJson);
    const metrics: Partial<Record<PublishedMetric, number>> = {};
    for (const [name, value] of Object.entries(metricsJson)) {
      const metric = PUBLISHED_METRICS.find((known) => known === name) ?? fail(`${at}.metrics`, `metrics among ${PUBLISHED_METRICS.join(', ')}`, name);
      metrics[metric] = typeof value === 'number' && value >= 0 && value <= 1 ? value : fail(`${at}.metrics.${name}`, 'a number in [0, 1]', value);
    }
    return { model, source: text(row['source'], `${at}.source`), metrics };
  });
  const note = json['note'];
  return {
    file,
    dataset: text(json['dataset'], 'dataset'),
    protocol: text(json['protocol'], 'protocol'),
    note: note === undefined ? null : text(note, 'note'),
    rows,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
