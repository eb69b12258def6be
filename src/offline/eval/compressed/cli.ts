/**
 * `npm run eval:compressed -- (--models <dir>[,<dir>…] | --synthetic <items>) [--subspaces 8,16,32]
 * [--rerank 0,200,1000] [--sessions 200] [--k 50] [--seed 7] [--shard-rows <n>] [--residual]`: trains
 * product-quantiser codebooks on each item space (train-pq.ts), encodes every item, and prints
 * recall@k of the compressed ranking against exact dot products over the same vectors (recall.ts),
 * with the bytes an item costs, as a Markdown table (docs/decisions/compressed-item-space.md quotes
 * it); with --shard-rows, also how many coarse-cluster shards the re-rank candidates fall in
 * (shards.ts); with --residual, the re-rank from a second code of the residuals (residual.ts).
 */
import { basename } from 'node:path';
import type { CompressedItems } from '../../../core/compressed-ranking.ts';
import type { LoadedModel } from '../../../core/model.ts';
import { rowsFetchedWith, type PagedItems } from '../../../core/vector-pages.ts';
import { encodeWithQuantiser, PQ_CENTROIDS, type ProductQuantiser } from '../../../core/product-quantiser.ts';
import { seededRandom } from '../../../core/random.ts';
import { integerOption, parseOptions, readCommandLine, runWhenScript, UsageError } from '../../lib/cli-args.ts';
import { trainProductQuantiser } from '../../lib/train-pq.ts';
import { verifyModelDir } from '../../lib/write-model.ts';
import { compressedTop, meanRecall, type ItemVectors } from './recall.ts';
import { clusteredSessions, clusteredSpace, modelSessions } from './sessions.ts';
import { residualTop, withResidualCodes } from './residual.ts';
import { coarseShards, shardTouches, type Shards } from './shards.ts';

const USAGE = `Usage: npm run eval:compressed -- (--models <dir>[,<dir>...] | --synthetic <items>) [--subspaces 8,16,32] [--rerank 0,200,1000] [--sessions 200] [--k 50] [--seed 7] [--shard-rows <n>] [--residual]

For each item space (built model folders, or a synthetic clustered catalogue of <items> x 128), trains
product-quantiser codebooks with each number of subspaces, and prints recall@k of the compressed
ranking (and of an exact re-rank of its best candidates) against exact dot products. --shard-rows also
groups the rows into coarse k-means clusters of about <n> rows and prints how many of those shards,
and how many bytes of int8 vectors, one interaction's re-rank candidates fall in. --residual also
measures a second code of each item's residual, the re-rank scoring the candidates from both codes
instead of the full vectors.`;

interface Request {
  readonly models: readonly string[];
  readonly synthetic: number | null;
  readonly subspaces: readonly number[];
  readonly reranks: readonly number[];
  readonly sessions: number;
  readonly k: number;
  readonly seed: number;
  readonly shardRows: number | null;
  readonly residual: boolean;
}

const integers = (name: string, text: string, min: number, max: number): number[] =>
  text.split(',').map((part) => integerOption(name, part.trim(), 0, min, max));

/** @throws UsageError naming the bad or missing option. */
function parseRequest(argv: readonly string[]): Request | 'help' {
  const values = parseOptions(argv, {
    models: { type: 'string' },
    synthetic: { type: 'string' },
    subspaces: { type: 'string' },
    rerank: { type: 'string' },
    sessions: { type: 'string' },
    k: { type: 'string' },
    seed: { type: 'string' },
    'shard-rows': { type: 'string' },
    residual: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) return 'help';
  if ((values.models === undefined) === (values.synthetic === undefined)) throw new UsageError('give either --models <dir>[,<dir>...] or --synthetic <items>');
  return {
    models: values.models === undefined ? [] : values.models.split(',').map((dir) => dir.trim()),
    synthetic: values.synthetic === undefined ? null : integerOption('--synthetic', values.synthetic, 0, PQ_CENTROIDS, 5_000_000),
    subspaces: integers('--subspaces', values.subspaces ?? '8,16,32', 1, 512),
    reranks: integers('--rerank', values.rerank ?? '0,200,1000', 0, 100_000),
    sessions: integerOption('--sessions', values.sessions, 200, 1, 100_000),
    k: integerOption('--k', values.k, 50, 1, 10_000),
    seed: integerOption('--seed', values.seed, 7, 0, 2 ** 31 - 1),
    shardRows: integerOption('--shard-rows', values['shard-rows'], null, 1, 10_000_000),
    residual: values.residual === true,
  };
}

/** One item space to measure, with its sessions. */
interface Space {
  readonly name: string;
  readonly space: ItemVectors;
  readonly sessions: number[][];
  /** A paged model's own quantiser and codes, which the browser ranks with. */
  readonly served?: { readonly quantiser: ProductQuantiser; readonly codes: Uint8Array; readonly rescored: CompressedItems['rescored'] };
}

function fromModel(dir: string, model: LoadedModel, request: Request): Space {
  const { itemCount: count, dim } = model.manifest;
  const categories = model.items.map((item) => item.category);
  const sessions = modelSessions(count, model.neighbours ?? null, categories, request.sessions, seededRandom(request.seed));
  return {
    name: `${basename(dir)} (${count.toLocaleString('en-US')} × ${dim}, ${model.manifest.dtype} decoded)`,
    space: { vectors: model.vectors, count, dim },
    sessions,
    ...(model.paged === undefined || model.paged === null ? {} : { served: servedRanking(model.paged, count) }),
  };
}

/** A paged model's codes, and the rows its pages bring to the re-rank, as the browser ranks. */
function servedRanking(paged: PagedItems, count: number): NonNullable<Space['served']> {
  const { quantiser, codes, layout, hot } = paged;
  return { quantiser, codes, rescored: (candidates) => rowsFetchedWith(candidates, layout.rowsPerPage, count, (row) => hot.indexOf.has(row)) };
}

function synthetic(count: number, request: Request): Space {
  const random = seededRandom(request.seed);
  const departments = 20;
  const space = clusteredSpace({ count, dim: 128, departments, leavesPerDepartment: Math.max(1, Math.round(count / 1000 / departments)) }, random);
  return {
    name: `synthetic (${count.toLocaleString('en-US')} × 128, ${space.leaves.toLocaleString('en-US')} leaf clusters, float32)`,
    space,
    sessions: clusteredSessions(space, request.sessions, random),
  };
}

function measure({ name, space, sessions, served }: Space, request: Request): string[] {
  let shards: Shards | null = null;
  const touches: string[] = [];
  const rows = [
    `### ${name}`,
    '',
    `| subspaces | bytes per item | codes at 1M items | ${request.reranks.map((r) => (r === 0 ? `recall@${request.k}` : `re-rank ${r}`)).join(' | ')} |`,
  ];
  rows.push(`| ---: | ---: | ---: | ${request.reranks.map(() => '---:').join(' | ')} |`);
  if (served !== undefined) {
    const { quantiser, codes, rescored } = served;
    const recalls = meanRecall(space, sessions, request.k, request.reranks, (interest, k, rerank) =>
      compressedTop(space, quantiser, codes, interest, k, rerank, rescored),
    );
    rows.push(
      `| ${quantiser.subspaces}, the model's own codes, re-ranked with their candidates' pages (as served) | ${quantiser.subspaces} | ${quantiser.subspaces} MB | ${recalls.map((r) => r.toFixed(3)).join(' | ')} |`,
    );
  }
  for (const subspaces of request.subspaces) {
    if (space.dim % subspaces !== 0) {
      rows.push(`| ${subspaces} | – | – | ${request.reranks.map(() => `does not divide ${space.dim}`).join(' | ')} |`);
      continue;
    }
    const started = performance.now();
    const pq = trainProductQuantiser(space.vectors, space.count, space.dim, { subspaces, seed: request.seed });
    const codes = encodeWithQuantiser(pq, space.vectors, space.count);
    const recalls = meanRecall(space, sessions, request.k, request.reranks, (interest, k, rerank) => compressedTop(space, pq, codes, interest, k, rerank));
    console.error(`eval:compressed: ${name}, ${subspaces} subspaces: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    rows.push(`| ${subspaces} | ${subspaces} | ${subspaces} MB | ${recalls.map((r) => r.toFixed(3)).join(' | ')} |`);
    if (request.residual) {
      const levels = withResidualCodes(space, { quantiser: pq, codes }, request.seed + 1);
      const both = meanRecall(space, sessions, request.k, request.reranks, (interest, k, rerank) => residualTop(levels, interest, k, rerank));
      rows.push(`| ${subspaces} + ${subspaces} residual | ${2 * subspaces} | ${2 * subspaces} MB | ${both.map((r) => r.toFixed(3)).join(' | ')} |`);
    }
    if (request.shardRows !== null)
      touches.push(shardRow(space, pq, codes, sessions, request, subspaces, (shards ??= coarseShards(space, request.shardRows, request.seed))));
  }
  rows.push('', `${sessions.length} sessions, seed ${request.seed}; the codebooks add ${(PQ_CENTROIDS * space.dim * 4) / 1024} kB.`, '');
  if (shards !== null) {
    const reranks = request.reranks.filter((r) => r > 0);
    rows.push(
      `Shards of about ${request.shardRows} rows (${shards.sizes.length} coarse clusters): mean / p95 shards touched, and mean int8 bytes fetched, per interaction:`,
      '',
    );
    rows.push(`| subspaces | ${reranks.map((r) => `re-rank ${r}`).join(' | ')} |`, `| ---: | ${reranks.map(() => '---:').join(' | ')} |`, ...touches, '');
  }
  return rows;
}

function shardRow(
  space: ItemVectors,
  pq: ProductQuantiser,
  codes: Uint8Array,
  sessions: number[][],
  request: Request,
  subspaces: number,
  shards: Shards,
): string {
  // An int8 row is its dim bytes and a float32 scale (core/vectors.ts).
  const touches = shardTouches(
    space,
    pq,
    codes,
    shards,
    sessions,
    request.reranks.filter((r) => r > 0),
    space.dim + 4,
  );
  return `| ${subspaces} | ${touches.map((t) => `${t.meanShards.toFixed(1)} / ${t.p95Shards} / ${(t.meanBytes / 1024).toFixed(0)} kB`).join(' | ')} |`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const commandLine = readCommandLine('eval:compressed', USAGE, () => parseRequest(argv));
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const request = commandLine.request;
  for (const dir of request.models) console.log(measure(fromModel(dir, await verifyModelDir(dir), request), request).join('\n'));
  if (request.synthetic !== null) console.log(measure(synthetic(request.synthetic, request), request).join('\n'));
  return 0;
}

runWhenScript(import.meta.url, 'eval:compressed', main);
