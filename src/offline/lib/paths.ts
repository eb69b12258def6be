/**
 * Where the builder reads and writes, resolved from this file rather than the working directory,
 * so `npm run ...` from any folder (and the tests) agree on one models/ and one cache.
 */
import { resolve } from 'node:path';

/** The repository root. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
/** The default demo model folder. */
export const DEMO_MODEL_DIR = resolve(REPO_ROOT, 'models/demo');
/** The embedding cache folder (gitignored). */
export const EMBEDDING_CACHE_DIR = resolve(REPO_ROOT, '.cache/embeddings');
