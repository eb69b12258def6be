/**
 * `npm run eval -- --models <dir> [options]`: evaluates a built model on the data it was built
 * from, under the protocol its build held out for (`--holdout-last 2`: leave-one-out;
 * `--train-before`: temporal next basket), with every baseline in the same run, and writes
 * report.json, report.md and hit-rate.svg to `--out` (default .cache/eval/<model>/), and with
 * `--docs` the model's section of docs/results.md after a full run on the test split. Published
 * rows come from the data set's own baselines.json (published.ts), so another data set is never
 * compared with Beauty's numbers.
 */
import { readCommandLine, runWhenScript } from '../lib/cli-args.ts';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { withCompressedRanking } from '../../core/compressed-ranking.ts';
import { DEFAULT_GRID_SIZE } from '../../core/constants.ts';
import type { ItemSpace } from '../../core/ports.ts';
import { encodeWithQuantiser, type ProductQuantiser } from '../../core/product-quantiser.ts';
import { createBatchScorer } from '../../engine/batch-scorer.ts';
import { createItemSpace } from '../../engine/item-space.ts';
import { REPO_ROOT } from '../lib/paths.ts';
import { trainProductQuantiser } from '../lib/train-pq.ts';
import { parseCommandLine, USAGE, type EvalOptions } from './cli-options.ts';
import { createItemKnnMethod, createPopularityMethod, createTextNeighboursMethod } from './baselines.ts';
import { createComplementsMethod } from './complements-method.ts';
import { modelSplit, type EvalSplit } from './dataset.ts';
import { checkSanity, evaluateMethods, PUBLISHED_POPULARITY } from './evaluate.ts';
import { loadEvalInputs, type EvalInputs, type LoadOptions } from './load.ts';
import { createListQualityMethod, renderTradeOffPlot, renderTradeOffTable, tradeOffPoints } from './list-quality.ts';
import type { RankingMethod } from './method.ts';
import { COLD_BELOW, RANK_DEPTH } from './metrics.ts';
import { findPublished } from './published.ts';
import { encodePerCase, PER_CASE_FILE, splitFingerprint, type MethodScores } from './per-case.ts';
import { createSequenceEvalMethod, fusedWith } from './sequence-method.ts';
import { createReferenceDecayMethod, createReplayMethod } from './replay.ts';
import { renderHitRatePlot, renderMarkdown, updateResultsDocument, type EvalReport } from './report.ts';

const MAX_HISTORY = 50;
/** item-kNN: user histories are ordered, baskets are sets. */
const KNN_USER_WINDOW = 5;
const KNN_RECENCY_DECAY = 0.8;
const KNN_RECENT = 10;

/** What main() can be given instead of the real encoder and cache (tests). */
export type EvalDeps = Pick<LoadOptions, 'loadEncoder' | 'cacheDir'>;

/**
 * @param argv the arguments after the script name.
 * @param deps replacements for the real encoder and embedding cache (tests).
 * @returns the process exit code.
 */
export async function main(argv: readonly string[], deps: EvalDeps = {}): Promise<number> {
  const commandLine = readCommandLine('eval', USAGE, () => parseCommandLine(argv));
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const options = commandLine.request;
  const started = performance.now();
  const inputs = await loadEvalInputs(options.models, { ...deps, allowMissingItems: options.allowMissingItems });
  if (inputs.missingItems.length > 0)
    log(`WARNING: the model lacks ${inputs.missingItems.length} catalogue item(s) (first: ${inputs.missingItems.slice(0, 5).join(', ')}); they are not ranked`);
  const split = modelSplit(inputs.build, inputs.events, {
    itemCount: inputs.model.items.length,
    target: options.split,
    maxHistory: MAX_HISTORY,
    spacingMs: options.spacingMinutes * 60_000,
    modelDir: options.models,
  });
  const cases = options.limit === null ? split.cases : split.cases.slice(0, options.limit);
  const run = { ...split, cases };
  log(`${inputs.model.manifest.catalogId}: ${run.protocol} (${run.target}), ${cases.length} cases, ${inputs.model.items.length} items`);
  // Read before the slow part, so a malformed file stops the run at once.
  const published = await findPublished({
    baselines: options.baselines,
    events: inputs.build.events ?? '',
    applies: run.protocol === 'leave-one-out' && run.target === 'test' && options.limit === null,
  });
  log('none' in published ? published.none : `published rows: ${published.rows.length} from ${published.file}`);

  const methods = await createMethods(inputs, run, options);
  const backend = [...new Set(methods.engines)].join(', ') || 'none';
  const perCase: MethodScores[] = [];
  let results;
  try {
    results = await evaluateMethods(
      run,
      methods.list,
      { itemCount: inputs.model.items.length, textVectors: inputs.textVectors, textDim: inputs.textDim },
      (result, scores) => {
        perCase.push({ method: result.method, scores });
        log(`${result.method}: HR@10 ${result.metrics.hr['10'].toFixed(4)}, NDCG@10 ${result.metrics.ndcg['10'].toFixed(4)} (${result.seconds.toFixed(1)} s)`);
      },
    );
  } finally {
    for (const method of methods.list) method.dispose();
  }

  const sanity = checkSanity(results, published);
  const report: EvalReport = {
    tool: 'vitrine eval',
    createdAt: new Date().toISOString(),
    command: ['npm run eval --', ...argv].join(' '),
    model: {
      dir: relative(REPO_ROOT, resolve(options.models)),
      catalogId: inputs.model.manifest.catalogId,
      manifestSha256: inputs.manifestSha256,
      itemCount: inputs.model.items.length,
      dim: inputs.model.manifest.dim,
      dtype: inputs.model.manifest.dtype,
    },
    dataset: { preset: inputs.build.preset, catalog: inputs.build.catalog, events: inputs.build.events ?? '' },
    protocol: {
      name: run.protocol,
      description: describeProtocol(run, inputs, options),
      target: run.target,
      cases: cases.length,
      skipped: { ...run.skipped, ...(options.limit === null ? {} : { [`--limit ${options.limit}`]: split.cases.length - cases.length }) },
      settings: {
        'max history': MAX_HISTORY,
        'rank depth': RANK_DEPTH,
        'cold below': COLD_BELOW,
        ...(run.protocol === 'leave-one-out' ? { 'spacing minutes': options.spacingMinutes } : {}),
        'half-life minutes': options.halfLifeMinutes,
        'prior weight': options.priorWeight,
        'catalogue items missing from the model': inputs.missingItems.length,
      },
    },
    backend,
    replayPath: options.replay,
    wallSeconds: (performance.now() - started) / 1000,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    methods: results,
    published,
    sanity,
  };

  const out = resolve(options.out ?? join(REPO_ROOT, '.cache/eval', `${report.model.catalogId}${run.target === 'validation' ? '-validation' : ''}`));
  await mkdir(out, { recursive: true });
  const markdown = renderMarkdown(report);
  await writeFile(join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(out, 'report.md'), `# Evaluation\n\n${markdown}`);
  await writeFile(join(out, 'hit-rate.svg'), renderHitRatePlot(report));
  await writeFile(join(out, PER_CASE_FILE), perCaseText(report, run, inputs, perCase, options.limit === null));
  log(`wrote ${relative(REPO_ROOT, out)}/report.json, report.md, hit-rate.svg, ${PER_CASE_FILE} in ${report.wallSeconds.toFixed(1)} s`);
  if (options.lambdas.length > 0) await writeListQuality(out, report, options.lambdas);
  if (options.docs && options.limit === null && run.target === 'test') {
    const docsFile = join(REPO_ROOT, 'docs/results.md');
    const current = await readFile(docsFile, 'utf8').catch(() => '');
    await writeFile(docsFile, updateResultsDocument(current, `eval:${report.model.catalogId}`, markdown));
    log(`updated docs/results.md (section ${report.model.catalogId})`);
  }
  if (sanity.status === 'not applicable') log(`sanity check not applicable: ${sanity.reason}`);
  else
    log(`sanity check ${sanity.status.toUpperCase()}: ${sanity.compared.map((c) => `${c.metric} ${c.ours.toFixed(4)}/${c.published.toFixed(4)}`).join(', ')}`);
  return sanity.status === 'fail' ? 1 : 0;
}

/** The run's per-case results, so methods and seeds can be paired user by user (npm run eval:compare). */
function perCaseText(report: EvalReport, run: EvalSplit, inputs: EvalInputs, methods: readonly MethodScores[], full: boolean): string {
  const fingerprint = splitFingerprint(run.protocol, run.target, run.cases, (row) => inputs.model.items[row]?.id ?? `row ${row}`);
  const { dir: model, manifestSha256 } = report.model;
  return encodePerCase({ model, manifestSha256, protocol: run.protocol, target: run.target, full, cases: run.cases.length, fingerprint, methods });
}

async function writeListQuality(out: string, report: EvalReport, lambdas: readonly number[]): Promise<void> {
  const points = tradeOffPoints(report.methods, lambdas);
  const title = `${report.model.catalogId}, ${report.protocol.name} (${report.protocol.target}), ${report.protocol.cases} cases: HR@10 / NDCG@10 against diversity and coverage`;
  await writeFile(join(out, 'list-quality.svg'), renderTradeOffPlot(points, title));
  await writeFile(join(out, 'list-quality.md'), `# List quality: ${title}\n\n\`${report.command}\`\n\n${renderTradeOffTable(points)}\n`);
  log(`wrote ${relative(REPO_ROOT, out)}/list-quality.md, list-quality.svg`);
}

function describeProtocol(split: EvalSplit, inputs: EvalInputs, options: EvalOptions): string {
  if (split.protocol === 'leave-one-out') {
    return `leave-one-out as BASELINES.md: per user in order, last item = test, second-to-last = validation, earlier = history; target = ${split.target}; full ranking over all ${inputs.model.items.length} items with every earlier item of the user masked; the replay sees the last ${MAX_HISTORY} history items, synthesised ${options.spacingMinutes} minutes apart (the log has only an order); model and baselines trained on each user's items before the validation item (builder --holdout-last 2)`;
  }
  const cut = new Date(inputs.build.trainBefore ?? 0).toISOString();
  return `temporal next basket: training = events before ${cut} (builder --train-before); a test case is a customer with purchases before and after it; history = their purchase lines before it (the last ${MAX_HISTORY} replayed, at their real times), target = the items of their first basket (invoice) at or after it that they had not bought before; full ranking over all ${inputs.model.items.length} items with their earlier purchases masked`;
}

async function createMethods(inputs: EvalInputs, split: EvalSplit, options: EvalOptions): Promise<{ list: RankingMethod[]; engines: string[] }> {
  const { model, textVectors, textDim } = inputs;
  const list: RankingMethod[] = [];
  const engines: string[] = [];
  const engineOptions = (vectors: Float32Array, dim: number, popularity: Float32Array | null) => ({
    vectors,
    dim,
    popularity,
    priorWeight: options.priorWeight,
    backend: options.backend,
  });
  const scorerFor = async (vectors: Float32Array, dim: number, popularity: Float32Array | null) => {
    const scorer = await createBatchScorer(engineOptions(vectors, dim, popularity));
    engines.push(scorer.backend);
    return scorer;
  };
  const replay = { eventType: 'purchase', halfLifeMs: options.halfLifeMinutes * 60_000, path: options.replay } as const;
  let quantised: { quantiser: ProductQuantiser; codes: Uint8Array } | null = null;
  const compressedIfAsked = (space: ItemSpace): ItemSpace => {
    if (options.compressed === null) return space;
    const { dim, itemCount } = model.manifest;
    quantised ??= (() => {
      const quantiser = trainProductQuantiser(model.vectors, itemCount, dim, { subspaces: options.compressed.subspaces });
      return { quantiser, codes: encodeWithQuantiser(quantiser, model.vectors, itemCount) };
    })();
    return withCompressedRanking(space, {
      ...quantised,
      vectors: model.vectors,
      prior: model.popularity,
      priorWeight: options.priorWeight,
      rerank: options.compressed.rerank,
    });
  };
  try {
    for (const name of options.methods) {
      if (name === 'popularity')
        list.push(createPopularityMethod(name, 'items by number of training events, ties to the lower row (leak-free)', split.trainingCounts));
      if (name === PUBLISHED_POPULARITY)
        list.push(
          createPopularityMethod(
            name,
            'items by number of events in the whole file, test included, ties to the higher row, as the published PopRec (a leak; for the sanity check only)',
            split.allCounts,
            'higher row first',
          ),
        );
      if (name === 'item-knn') {
        const window = split.protocol === 'temporal' ? Number.POSITIVE_INFINITY : KNN_USER_WINDOW;
        list.push(createItemKnnMethod(split.training, split.trainingCounts, { window, recencyDecay: KNN_RECENCY_DECAY, recent: KNN_RECENT }));
      }
      if (name === 'complements')
        list.push(createComplementsMethod(model, await scorerFor(model.vectors, model.manifest.dim, model.popularity), split.trainingCounts));
      if (name === 'text-last-item') list.push(createTextNeighboursMethod(await scorerFor(textVectors, textDim, null), textVectors, textDim));
      if (name === 'text-decay') {
        // The browser's rule on the raw text vectors, as a text-only model with the same prior would apply it.
        const textModel = { items: model.items, manifest: { ...model.manifest, dim: textDim, catalogId: `${model.manifest.catalogId}-text` } };
        const description =
          "the browser's decay rule on the USE text vectors (512-d) with the model's popularity prior (core's reference fold, scored in batches by the engine's BatchScorer)";
        list.push(
          createReferenceDecayMethod({
            ...replay,
            name,
            description,
            model: textModel,
            vectors: textVectors,
            scorer: await scorerFor(textVectors, textDim, model.popularity),
          }),
        );
      }
      if (name === 'sequence' || name === 'sequence-neighbours') {
        if (model.sequence === null) {
          log(`the model has no sequence model (npm run train:sequence adds one): method "${name}" skipped`);
          continue;
        }
        const neighbours = name === 'sequence-neighbours' ? (model.neighbours ?? null) : null;
        if (name === 'sequence-neighbours' && neighbours === null) {
          log(`the model has no behaviour neighbours (neighbours.bin): method "${name}" skipped`);
          continue;
        }
        list.push(await createSequenceEvalMethod(model.sequence, options.backend, neighbours));
        engines.push(options.backend);
      }
      if (name === 'vitrine' || name === 'vitrine-decay') {
        const space = compressedIfAsked(await createItemSpace(engineOptions(model.vectors, model.manifest.dim, model.popularity)));
        engines.push(space.backend);
        // The storefront's rule: the decay rule, with the model's behaviour neighbours when it has them.
        const neighbours = name === 'vitrine' ? (model.neighbours ?? null) : null;
        const fused = neighbours === null ? '' : `, ${fusedWith(neighbours)}`;
        const compressed =
          options.compressed === null
            ? ''
            : `, ranked from ${options.compressed.subspaces}-subspace product-quantiser codes with an exact re-rank of their best ${options.compressed.rerank}`;
        const description = `the browser's decay rule on the model's own fused vectors (${model.manifest.dim}-d ${model.manifest.dtype}, text + behaviour) with its popularity prior${fused}${compressed}, replayed on the ${options.replay} path: the item space's update per event and its topK`;
        list.push(createReplayMethod({ ...replay, name, description, model, space, neighbours }));
      }
    }
    for (const lambda of options.lambdas) {
      const space = await createItemSpace(engineOptions(model.vectors, model.manifest.dim, model.popularity));
      engines.push(space.backend);
      list.push(createListQualityMethod({ ...replay, lambda, model, space, gridSize: DEFAULT_GRID_SIZE }));
    }
  } catch (error) {
    for (const method of list) method.dispose();
    throw error;
  }
  return { list, engines };
}

function log(line: string): void {
  console.error(`eval: ${line}`);
}

runWhenScript(import.meta.url, 'eval', main);
