/**
 * A paged model (vector-pages.ts) built in memory the way the builder writes one, for tests of
 * loading it and ranking over it. Its codebooks are seeded random centroids rather than trained
 * ones: the tests compare against exact rankings, so the codes need only be valid, not good.
 */
import { sha256Hex } from './hash.ts';
import { loadModel, type LoadedModel, type ModelSource } from './model.ts';
import { encodeWithQuantiser, PQ_CENTROIDS, type ProductQuantiser } from './product-quantiser.ts';
import { seededRandom } from './random.ts';
import { fixtureModelFiles, memoryModelSource } from './test-support.ts';
import { encodeHotRows, encodePageList, type PagedLayout } from './vector-pages.ts';
import { decodeVectors, encodeVectors } from './vectors.ts';

export interface PagedFixture {
  /** Every file by path; a test may replace one. */
  readonly files: Map<string, Uint8Array>;
  /** Each page's path, in row order. */
  readonly pagePaths: readonly string[];
  readonly quantiser: ProductQuantiser;
}

/**
 * @param options the model's size and its paged layout.
 * @returns fixtureModelFiles' model with codes, codebooks and vector pages added to its manifest.
 */
export async function pagedModelFiles(options: { count: number; dim: number; layout: PagedLayout }): Promise<PagedFixture> {
  const { count, dim, layout } = options;
  const random = seededRandom(count + dim);
  const files = await fixtureModelFiles({ count, dim, popularity: Float32Array.from({ length: count }, () => random()) });
  const vectors = decodeVectors(files.get('vectors.bin') as Uint8Array, count, dim, 'float32', 'vectors.bin');
  const quantiser = { dim, subspaces: layout.subspaces, codebooks: Float32Array.from({ length: PQ_CENTROIDS * dim }, () => random() - 0.5) };
  const pagePaths: string[] = [];
  const digests: string[] = [];
  for (let first = 0; first < count; first += layout.rowsPerPage) {
    const rows = Math.min(layout.rowsPerPage, count - first);
    const bytes = encodeVectors(vectors.subarray(first * dim, (first + rows) * dim), rows, dim, 'float32');
    const sha256 = await sha256Hex(bytes);
    digests.push(sha256);
    pagePaths.push(`vectors/${sha256}.bin`);
    files.set(`vectors/${sha256}.bin`, bytes);
  }
  const popularity = new Float32Array((files.get('popularity.f32') as Uint8Array).slice().buffer);
  // The most popular rows, as the builder picks them (ties to the lower row).
  const hot = Array.from({ length: count }, (_, row) => row)
    .sort((a, b) => (popularity[b] ?? 0) - (popularity[a] ?? 0) || a - b)
    .slice(0, layout.hotRows);
  const hotVectors = new Float32Array(hot.length * dim);
  hot.forEach((row, i) => hotVectors.set(vectors.subarray(row * dim, (row + 1) * dim), i * dim));
  const added = {
    hotRows: encodeHotRows(hot, encodeVectors(hotVectors, hot.length, dim, 'float32')),
    codes: encodeWithQuantiser(quantiser, vectors, count),
    codebooks: new Uint8Array(quantiser.codebooks.buffer.slice(0)),
    vectorPages: encodePageList(digests),
  };
  const paths = { codes: 'codes.pq.bin', codebooks: 'codebooks.f32', vectorPages: 'vector-pages.bin', hotRows: 'hot-rows.bin' };
  const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as { files: Record<string, unknown> };
  for (const role of ['codes', 'codebooks', 'vectorPages', 'hotRows'] as const) {
    files.set(paths[role], added[role]);
    manifest.files[role] = { path: paths[role], bytes: added[role].byteLength, sha256: await sha256Hex(added[role]) };
  }
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify({ ...manifest, paged: layout })));
  return { files, pagePaths, quantiser };
}

/** A memory source that logs the path of every read. */
export function loggingSource(files: Map<string, Uint8Array>): ModelSource & { readonly reads: string[]; readonly background: string[] } {
  const source = memoryModelSource(files);
  const reads: string[] = [];
  const background: string[] = [];
  return {
    ...source,
    reads,
    background,
    read: (path, onBytes, file, options) => {
      reads.push(path);
      if (options?.background === true) background.push(path);
      return source.read(path, onBytes, file);
    },
  };
}

/** @returns the model loaded paged (as the browser loads it) and whole (as the offline tools do), from the same files. */
export async function pagedAndWhole(files: Map<string, Uint8Array>): Promise<{ paged: LoadedModel; whole: LoadedModel; reads: string[] }> {
  const source = loggingSource(files);
  const paged = await loadModel(source, undefined, { pagedVectors: true });
  return { paged, whole: await loadModel(memoryModelSource(files)), reads: source.reads };
}
