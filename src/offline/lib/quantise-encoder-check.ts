/**
 * The quantised query encoder in Node, and what quantisation costs: the browser embeds shopper
 * queries with the quantised encoder (quantise-encoder-cache.ts) while the builder embeds items with
 * the float32 one, so both must land close together. `compareEncoders` measures how close (cosine
 * between the two embeddings of each text); the builder's semantic floor and the search evaluation
 * load the quantised encoder through `loadQuantisedNodeEncoder`.
 */
import type { EncoderFiles, LoadedSentenceEncoder, SentenceEncoder } from '../../engine/text-encoder.ts';
import { loadSentenceEncoder } from '../../engine/text-encoder.ts';
import { initNodeBackend, nodeEncoderFiles } from './node-encoder.ts';
import { ensureQuantisedEncoder, type QuantisedEncoderOptions } from './quantise-encoder-cache.ts';

/**
 * Reads the quantised encoder's files (generated first when missing or stale).
 * @param options where the float32 source and the generated folder are, and the scheme.
 */
export async function quantisedEncoderFiles(options: QuantisedEncoderOptions = {}): Promise<EncoderFiles> {
  return nodeEncoderFiles((await ensureQuantisedEncoder(options)).dir);
}

/**
 * Sets up the Node backend (wasm, else cpu) and loads the quantised encoder: the one the browser
 * embeds queries with.
 * @param log told about backend fallbacks.
 */
export async function loadQuantisedNodeEncoder(log: (message: string) => void = () => {}): Promise<LoadedSentenceEncoder> {
  await initNodeBackend(log);
  return loadSentenceEncoder(await quantisedEncoderFiles());
}

/** How far the quantised encoder's embeddings are from the float32 encoder's. */
export interface EncoderComparison {
  readonly texts: number;
  /** Mean cosine between each text's two embeddings. */
  readonly meanCosine: number;
  readonly minCosine: number;
  /** The texts with the lowest cosines, lowest first (at most 5). */
  readonly worst: ReadonlyArray<{ readonly text: string; readonly cosine: number }>;
  /** Each text's cosine, in the order of the texts. */
  readonly cosines: readonly number[];
}

/** The two encoders to compare; each is loaded (and disposed after) when not given. */
export interface CompareEncodersOptions {
  readonly reference?: SentenceEncoder;
  readonly quantised?: SentenceEncoder;
}

/**
 * Embeds every text with the float32 and the quantised encoder and compares the two rows.
 * @param texts non-blank texts (at least one).
 * @param options encoders already loaded (tests, or a caller that has them).
 */
export async function compareEncoders(texts: readonly string[], options: CompareEncodersOptions = {}): Promise<EncoderComparison> {
  await initNodeBackend();
  const reference = options.reference ?? (await loadSentenceEncoder(nodeEncoderFiles()));
  try {
    const quantised = options.quantised ?? (await loadSentenceEncoder(await quantisedEncoderFiles()));
    try {
      return compareEmbeddings(texts, await reference.embed(texts), await quantised.embed(texts), reference.dim);
    } finally {
      if (options.quantised === undefined) quantised.dispose();
    }
  } finally {
    if (options.reference === undefined) reference.dispose();
  }
}

/**
 * The cosine of each text's two embeddings, summarised.
 * @param texts the texts, for the worst cases.
 * @param a texts.length x dim values.
 * @param b the same shape.
 * @param dim values per row.
 */
export function compareEmbeddings(texts: readonly string[], a: Float32Array, b: Float32Array, dim: number): EncoderComparison {
  const cosines = texts.map((_, i) => {
    let dot = 0;
    let normA = 0;
    let normB = 0;
    for (let j = i * dim; j < (i + 1) * dim; j++) {
      const x = a[j] ?? 0;
      const y = b[j] ?? 0;
      dot += x * y;
      normA += x * x;
      normB += y * y;
    }
    return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
  });
  return summariseCosines(texts, cosines);
}

/**
 * Mean, minimum and worst texts of per-text cosines (of all texts, or of a slice of them).
 * @param texts the texts.
 * @param cosines one per text, in the same order.
 */
export function summariseCosines(texts: readonly string[], cosines: readonly number[]): EncoderComparison {
  const worst = texts.map((text, i) => ({ text, cosine: cosines[i] ?? Number.NaN })).sort((x, y) => x.cosine - y.cosine);
  return {
    texts: texts.length,
    meanCosine: cosines.reduce((sum, cosine) => sum + cosine, 0) / Math.max(1, texts.length),
    minCosine: worst[0]?.cosine ?? Number.NaN,
    worst: worst.slice(0, 5),
    cosines,
  };
}
