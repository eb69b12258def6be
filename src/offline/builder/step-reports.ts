/**
 * Two steps' figures for the build report (build-report.ts): what the embedding step did, and the
 * written model's files and sizes.
 */
import type { EmbedResult } from '../lib/embed.ts';
import type { WrittenModel } from '../lib/write-model.ts';
import { round, type BuildReport } from './build-report.ts';

/** The embedding step's figures. */
export function embeddingReport(embedding: EmbedResult, texts: number, workers: number): NonNullable<BuildReport['embedding']> {
  return {
    texts,
    unique: embedding.unique,
    embedded: embedding.embedded,
    cached: embedding.cached,
    workers: embedding.embedded > 0 ? workers : 0,
    encoderSeconds: round(embedding.encoderSeconds, 3),
    textsPerSecond: embedding.embedded > 0 && embedding.encoderSeconds > 0 ? round(embedding.embedded / embedding.encoderSeconds, 1) : null,
  };
}

/** The written model's sizes: bytes per file the manifest lists, plus the manifest. */
export function modelReport(written: WrittenModel, dim: number): NonNullable<BuildReport['model']> {
  const files: Record<string, number> = {
    'manifest.json': written.modelBytes - Object.values(written.manifest.files).reduce((sum, file) => sum + file.bytes, 0),
  };
  for (const file of Object.values(written.manifest.files)) files[file.path] = file.bytes;
  return {
    dir: written.dir,
    itemCount: written.manifest.itemCount,
    dim,
    encoderDim: written.manifest.encoder.dim,
    dtype: written.manifest.dtype,
    projection: written.manifest.files.projection !== undefined,
    files,
    totalBytes: written.modelBytes,
  };
}

/** Peak resident set size of this process so far, in bytes (maxRSS is in kilobytes). */
