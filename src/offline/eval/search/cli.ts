/**
 * `npm run eval:search -- --models <dir> [...]`: the search evaluation. For each model folder, the
 * query sets that apply (plan-sets.ts) run through the storefront's search with each method and
 * encoder (evaluate-search.ts); the table goes to stdout, and with --write the report replaces the
 * search section of a Markdown file (docs/results.md).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { RecError, toRecError } from '../../../core/errors.ts';
import type { LoadedModel } from '../../../core/model.ts';
import { DEFAULT_SEMANTIC_FLOOR } from '../../../core/search.ts';
import type { SentenceEncoder } from '../../../engine/text-encoder.ts';
import { createLexicalIndex } from '../../../search/lexical-index.ts';
import { readCommandLine, runWhenScript } from '../../lib/cli-args.ts';
import { loadNodeSentenceEncoder } from '../../lib/node-encoder.ts';
import { loadQuantisedNodeEncoder } from '../../lib/quantise-encoder-check.ts';
import { ENCODER_NAMES, parseSearchEvalArgs, USAGE, type EncoderName } from './cli-options.ts';
import { DEMO_QUERIES_FILE, parseDemoQueries } from './demo-types.ts';
import { modelEmbedders, type NamedEncoder } from './embedders.ts';
import { evaluateSearch } from './evaluate-search.ts';
import { loadSearchFolder, withSemanticFloor } from './model-folder.ts';
import { asPagedModel } from './paged-view.ts';
import { planSets } from './plan-sets.ts';
import { floorQueries } from '../../lib/semantic-floor.ts';
import { renderSearchMarkdown, renderTable, withSearchSection, type FolderReport } from './report.ts';

/** What main() can be given instead of the real encoders (tests). */
export interface SearchEvalMainDeps {
  readonly loadEncoder?: (name: EncoderName) => Promise<SentenceEncoder>;
  readonly log?: (line: string) => void;
}

const loadRealEncoder = (name: EncoderName): Promise<SentenceEncoder> => (name === 'float32' ? loadNodeSentenceEncoder() : loadQuantisedNodeEncoder());

/**
 * @param argv the arguments after the script name.
 * @param deps the encoders' loader and the progress log.
 * @returns the exit code: 0 done, 2 bad usage.
 */
export async function main(argv: readonly string[], deps: SearchEvalMainDeps = {}): Promise<number> {
  const commandLine = readCommandLine('eval:search', USAGE, () => parseSearchEvalArgs(argv));
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const options = commandLine.request;
  const log = deps.log ?? ((line: string) => console.error(`eval:search: ${line}`));
  const started = performance.now();
  const demo = parseDemoQueries(JSON.parse(await readFile(DEMO_QUERIES_FILE, 'utf8')), DEMO_QUERIES_FILE);
  const encoders: NamedEncoder[] = [];
  const notes: string[] = [];
  for (const name of ENCODER_NAMES.filter((wanted) => options.encoders.includes(wanted))) {
    try {
      encoders.push({ name, encoder: await (deps.loadEncoder ?? loadRealEncoder)(name) });
    } catch (error) {
      // The quantised encoder is optional: without it the float32 rows still say what search does.
      if (name === 'float32') throw error;
      notes.push(`the ${name} encoder was not run: ${toRecError(error).message}`);
    }
  }
  try {
    // The browser embeds queries with the quantised encoder when it has it, so a missing floor is calibrated with that one.
    const floorEncoder = encoders.find(({ name }) => name === 'uint8') ?? encoders[0];
    if (floorEncoder === undefined) throw new RecError('ENCODER_UNAVAILABLE', `no query encoder could be loaded (${notes.join('; ')})`);
    const folders: FolderReport[] = [];
    for (const path of options.models) {
      const folder = await loadSearchFolder(path);
      const { model, floorSource } = await withSemanticFloor(folder.model, floorEncoder);
      const plan = planSets(folder, { ...options, demo });
      log(`${folder.name}: ${plan.sets.map((set) => `${set.name} ${set.queries.length}`).join(', ')}`);
      const evaluate = (searched: LoadedModel) =>
        evaluateSearch(
          {
            model: searched,
            createLexicalIndex: (fields) => createLexicalIndex(searched.items, { fields }),
            embedders: modelEmbedders(searched, encoders),
            ...(options.minSemanticWeight === null ? {} : { minSemanticWeight: options.minSemanticWeight }),
          },
          plan.sets,
        );
      const rows = await evaluate(model);
      const floorOff = options.floorOff ? { ...model, manifest: { ...model.manifest, search: { semanticFloor: -1, calibration: 'off (diagnostic)' } } } : null;
      const floorOffRows = floorOff === null ? [] : (await evaluate(floorOff)).filter((row) => row.method !== 'lexical');
      const floorStrings = options.paged ? await floorQueries({ dim: model.manifest.dim, projection: model.projection, encoder: floorEncoder.encoder }) : null;
      const pagedRows = floorStrings === null ? [] : (await evaluate(asPagedModel(model, floorStrings))).filter((row) => row.method !== 'lexical');
      folders.push({
        name: folder.name,
        path,
        itemCount: folder.model.items.length,
        dim: folder.model.manifest.dim,
        textTemplate: folder.textTemplate,
        buildCommand: folder.buildCommand,
        floor: { value: model.manifest.search?.semanticFloor ?? DEFAULT_SEMANTIC_FLOOR, source: floorSource },
        sets: plan.sets.map((set) => ({ name: set.name, queries: set.queries.length, how: set.how })),
        skipped: plan.skipped,
        rows,
        floorOffRows,
        pagedRows,
      });
    }
    console.log(renderTable(folders));
    if (options.paged) console.log(`\nAs a paged model searches:\n\n${renderTable(folders, (folder) => folder.pagedRows)}`);
    if (options.write !== null) {
      const command = `npm run eval:search -- ${argv.join(' ')}`;
      const body = renderSearchMarkdown({ command, folders, notes, seconds: (performance.now() - started) / 1000, date: new Date().toISOString() });
      await writeFile(options.write, withSearchSection(await readFile(options.write, 'utf8'), body));
      log(`wrote the search section of ${options.write}`);
    }
    return 0;
  } finally {
    for (const { encoder } of encoders) encoder.dispose();
  }
}

runWhenScript(import.meta.url, 'eval:search', main);
