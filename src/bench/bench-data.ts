/**
 * The vectors the benchmark page scores: seeded synthetic embeddings shaped like a catalogue's, or
 * the built demo model's real ones, with the dtype's decoded values (what every method scores) and
 * a few interest vectors to query with.
 */
import { parseManifest } from '../core/manifest.ts';
import { normalise } from '../core/rank.ts';
import { seededRandom } from '../core/random.ts';
import { decodeVectors, encodeVectors } from '../core/vectors.ts';
import type { BenchCaseSpec } from './bench-types.ts';

/** The vectors of one case: the float32 originals, and the dtype's values as every method scores them. */
export interface CaseData {
  readonly count: number;
  readonly dim: number;
  readonly original: Float32Array;
  /** The dtype's values decoded to float32 (= original for float32). */
  readonly decoded: Float32Array;
  readonly popularity: Float32Array;
  readonly queries: readonly Float32Array[];
}

/** Distinct interest vectors the timed calls cycle through; recall is the mean over the first RECALL_QUERIES. */
export const QUERIES = 8;
export const RECALL_QUERIES = QUERIES;
/** Items per synthetic cluster: embeddings of a catalogue cluster by kind of product. */
const ITEMS_PER_CLUSTER = 100;

/**
 * Seeded synthetic embeddings shaped like a catalogue's: rows scattered around cluster centres,
 * and interest vectors that are blends of a few items (as a shopper's are).
 */
export async function makeData(spec: Pick<BenchCaseSpec, 'source' | 'count' | 'dim' | 'dtype' | 'seed'>): Promise<CaseData> {
  const random = seededRandom(spec.seed);
  const original = spec.source === 'demo-model' ? await demoModelVectors(spec.count, spec.dim) : syntheticVectors(spec, random);
  const decoded =
    spec.dtype === 'float32' ? original : decodeVectors(encodeVectors(original, spec.count, spec.dim, spec.dtype), spec.count, spec.dim, spec.dtype, 'bench');
  const popularity = Float32Array.from({ length: spec.count }, () => random());
  const queries = Array.from({ length: QUERIES }, () => {
    const blend = new Float32Array(spec.dim);
    for (let n = 0; n < 3; n++) {
      const at = Math.floor(random() * spec.count) * spec.dim;
      for (let j = 0; j < spec.dim; j++) blend[j] = (blend[j] ?? 0) + (original[at + j] ?? 0);
    }
    return normalise(blend);
  });
  return { count: spec.count, dim: spec.dim, original, decoded, popularity, queries };
}

/**
 * The demo model's item vectors (real Universal Sentence Encoder embeddings of its products), as it
 * ships them: in the type its build chose (its manifest says which), decoded.
 */
async function demoModelVectors(count: number, dim: number): Promise<Float32Array> {
  const fetched = async (path: string): Promise<Response> => {
    const response = await fetch(`/models/demo/${path}`);
    if (!response.ok) throw new Error(`models/demo/${path}: HTTP ${response.status} (run npm run models:demo)`);
    return response;
  };
  const manifest = parseManifest(await (await fetched('manifest.json')).json(), 'models/demo/manifest.json');
  const path = manifest.files.vectors.path;
  const bytes = new Uint8Array(await (await fetched(path)).arrayBuffer());
  return decodeVectors(bytes, count, dim, manifest.dtype, `models/demo/${path}`);
}

export function syntheticVectors(spec: Pick<BenchCaseSpec, 'count' | 'dim'>, random: () => number): Float32Array {
  const gaussianish = (): number => random() + random() + random() - 1.5;
  const clusters = Math.max(1, Math.round(spec.count / ITEMS_PER_CLUSTER));
  const centres = Float32Array.from({ length: clusters * spec.dim }, gaussianish);
  const original = new Float32Array(spec.count * spec.dim);
  const row = new Float32Array(spec.dim);
  for (let r = 0; r < spec.count; r++) {
    const centre = Math.floor(random() * clusters) * spec.dim;
    for (let j = 0; j < spec.dim; j++) row[j] = (centres[centre + j] ?? 0) + 0.8 * gaussianish();
    original.set(normalise(row), r * spec.dim);
  }
  return original;
}

/** The i-th interest vector of a run, cycling through the case's queries. */
export const queryOf = (data: CaseData, i: number): Float32Array => data.queries[i % QUERIES] ?? data.queries[0] ?? new Float32Array(data.dim);
