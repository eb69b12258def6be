/**
 * A model folder as the search evaluation needs it: the model as the browser loads it (core's
 * loadModel, checksums and all), what its item vectors were embedded from, and each item's leaf
 * category, the label of the category queries. A folder from `npm run build:models` says in
 * build-report.json which text template it embedded and where its catalogue is; the leaf category
 * is the last element of the catalogue's category list (read from the catalogue file itself, since
 * the model joins the list into one string). The demo folder (`npm run models:demo`) embeds
 * `{title}. {category}. {description}` (lib/embed.ts itemText) and has one category per item.
 */
import { access, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { RecError } from '../../../core/errors.ts';
import { toItemId } from '../../../core/ids.ts';
import type { LoadedModel } from '../../../core/model.ts';
import { semanticFloor } from '../../lib/semantic-floor.ts';
import { verifyModelDir } from '../../lib/write-model.ts';
import type { NamedEncoder } from './embedders.ts';
import { fromRepo, readInput, readRecordedBuild } from '../load.ts';

/** What the demo builder embeds for each item (lib/embed.ts itemText). */
const DEMO_TEXT_TEMPLATE = '{title}. {category}. {description}';

export interface SearchFolder {
  readonly dir: string;
  /** The folder's name, which names it in the report. */
  readonly name: string;
  readonly model: LoadedModel;
  /** The command that built it, as recorded (for the report). */
  readonly buildCommand: string;
  /** The text template its item vectors were embedded from. */
  readonly textTemplate: string;
  /** Whether that text holds the category, which would give the category queries' label away. */
  readonly embedsCategories: boolean;
  /** Each row's leaf category, or null when the catalogue has no categories. */
  readonly leafCategories: readonly (string | null)[] | null;
}

/**
 * @param modelDir a folder written by `npm run build:models` or `npm run models:demo`.
 * @throws RecError when the model does not verify, or the folder says nothing of how it was built.
 */
export async function loadSearchFolder(modelDir: string): Promise<SearchFolder> {
  const dir = resolve(modelDir);
  const model = await verifyModelDir(dir);
  const base = { dir, name: basename(dir), model };
  const reportFile = join(dir, 'build-report.json');
  if (await exists(reportFile)) {
    const build = await readRecordedBuild(reportFile);
    const category = build.fields.category;
    const embedded = build.template.fields;
    return {
      ...base,
      buildCommand: await readBuildCommand(reportFile),
      textTemplate: build.template.source,
      embedsCategories: category !== null && (embedded.includes('category') || embedded.includes(category)),
      leafCategories: category === null ? null : await readLeafCategories(fromRepo(build.catalog), build.fields.id, category, model),
    };
  }
  if (await exists(join(dir, 'build-info.json'))) {
    return {
      ...base,
      buildCommand: 'npm run models:demo',
      textTemplate: DEMO_TEXT_TEMPLATE,
      embedsCategories: true,
      leafCategories: model.items.map((item) => item.category),
    };
  }
  throw new RecError(
    'CONFIG_INVALID',
    'the folder has neither build-report.json nor build-info.json: build it with npm run build:models or npm run models:demo',
    {
      file: dir,
    },
  );
}

/**
 * The model as the browser would search it: with the builder's calibrated semantic floor. A folder
 * built before the builder calibrated it gets the same calibration here (lib's semanticFloor).
 * @param model the loaded model.
 * @param encoder the query encoder the browser embeds with (the quantised one when it can be loaded).
 * @returns the model with its floor, and where the floor came from.
 */
export async function withSemanticFloor(model: LoadedModel, encoder: NamedEncoder): Promise<{ model: LoadedModel; floorSource: string }> {
  if (model.manifest.search !== undefined) return { model, floorSource: `the manifest's: ${model.manifest.search.calibration}` };
  const search = await semanticFloor({ vectors: model.vectors, dim: model.manifest.dim, projection: model.projection, encoder: encoder.encoder });
  return {
    model: { ...model, manifest: { ...model.manifest, search } },
    floorSource: `calibrated here with the ${encoder.name} encoder, as the builder does (the folder predates the builder's calibration): ${search.calibration}`,
  };
}

/**
 * Leaf categories from the catalogue file: from a JSON Lines file, the last element of a list (or
 * the text) in the category field; from any other file, the model's category text.
 */
async function readLeafCategories(file: string, idField: string, categoryField: string, model: LoadedModel): Promise<(string | null)[]> {
  if (!file.endsWith('.jsonl')) return model.items.map((item) => item.category || null);
  const leaves: (string | null)[] = model.items.map(() => null);
  const text = new TextDecoder().decode(await readInput(file));
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const record: unknown = JSON.parse(line);
    if (typeof record !== 'object' || record === null) continue;
    const fields = record as Record<string, unknown>;
    const id = fields[idField];
    const row = typeof id === 'string' || typeof id === 'number' ? model.rowOf.get(toItemId(String(id).trim())) : undefined;
    if (row === undefined) continue;
    const value = fields[categoryField];
    const leaf = Array.isArray(value) ? (value as unknown[]).at(-1) : value;
    leaves[row] = typeof leaf === 'string' && leaf.trim() !== '' ? leaf.trim() : null;
  }
  return leaves;
}

/** The report's recorded `command` (the npm script and its arguments) as a shell line. */
async function readBuildCommand(reportFile: string): Promise<string> {
  const report: unknown = JSON.parse(await readFile(reportFile, 'utf8'));
  const command = typeof report === 'object' && report !== null ? (report as Record<string, unknown>)['command'] : undefined;
  if (!Array.isArray(command) || command.length === 0 || !command.every((arg) => typeof arg === 'string')) return 'npm run build:models (command not recorded)';
  const quote = (arg: string): string => (/^[\w./=,:%@+-]+$/u.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);
  const [script, ...args] = command as string[];
  return `npm run ${script ?? ''} -- ${args.map(quote).join(' ')}`;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
