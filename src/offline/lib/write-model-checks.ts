/**
 * What writeModel refuses before it writes anything: no items, vectors, popularity, neighbour or
 * complement slots, or projection of the wrong size for the catalogue, an unknown dtype, a blank
 * catalogue id, and asset paths that would leave the model folder or replace its manifest. Each
 * refusal is a RecError naming the folder and what was expected and found.
 */
import { RecError, type RecErrorCode } from '../../core/errors.ts';
import { MANIFEST_FILE } from '../../core/manifest.ts';
import { VECTOR_DTYPES, type VectorDtype } from '../../core/vectors.ts';
import { resolve } from 'node:path';
import type { WriteModelOptions } from './write-model.ts';

/**
 * @param options the writer's inputs.
 * @param dtype the stored type.
 * @param encoderDim the text encoder's width.
 * @throws RecError naming what is wrong.
 */
export function checkInputs(options: WriteModelOptions, dtype: VectorDtype, encoderDim: number): void {
  const { items, vectors, dim } = options;
  const where = { file: resolve(options.outDir) };
  const bad = (message: string, code: RecErrorCode = 'MANIFEST_INVALID'): never => {
    throw new RecError(code, message, where);
  };
  if (items.length === 0) bad('cannot write a model with no items', 'CATALOG_INVALID');
  if (!Number.isInteger(dim) || dim < 1) bad(`dim must be a positive integer, found ${dim}`);
  if (vectors.length !== items.length * dim) {
    bad(`expected ${items.length} x ${dim} = ${items.length * dim} vector values, found ${vectors.length}`, 'MODEL_DIMENSION_MISMATCH');
  }
  if (options.catalogId.trim() === '') bad('catalogId must not be empty');
  const popularity = options.popularity ?? null;
  if (popularity !== null && popularity.length !== items.length) bad(`expected ${items.length} popularity values, found ${popularity.length}`);
  for (const [role, slots] of [
    ['neighbour', options.neighbours ?? null],
    ['complement', options.complements ?? null],
  ] as const) {
    if (slots !== null && (slots.perItem < 1 || slots.rows.length !== items.length * slots.perItem)) {
      bad(`expected ${items.length} x ${slots.perItem} ${role} slots, found ${slots.rows.length}`);
    }
  }
  const rowsPerShard = options.rowsPerShard ?? null;
  if (rowsPerShard !== null && (!Number.isInteger(rowsPerShard) || rowsPerShard < 1))
    bad(`rowsPerShard must be a positive integer or null, found ${rowsPerShard}`, 'CONFIG_INVALID');
  if (!(VECTOR_DTYPES as readonly string[]).includes(dtype)) bad(`unknown dtype ${dtype}`);
  if (!Number.isInteger(encoderDim) || encoderDim < 1) bad(`encoder.dim must be a positive integer, found ${encoderDim}`);
  const projection = options.projection ?? null;
  if (projection === null && encoderDim !== dim) {
    bad(
      `the vectors have ${dim} dimensions but the encoder ${encoderDim}: a projection (${encoderDim} x ${dim}) is required so search works`,
      'MODEL_DIMENSION_MISMATCH',
    );
  }
  if (projection !== null && projection.length !== encoderDim * dim) {
    bad(`expected a projection of ${encoderDim} x ${dim} = ${encoderDim * dim} values, found ${projection.length}`, 'MODEL_DIMENSION_MISMATCH');
  }
  if (projection !== null && !projection.every(Number.isFinite)) bad('the projection has a non-finite value', 'MODEL_VECTORS_INVALID');
}

/**
 * @param path an asset's path inside the model folder.
 * @param what what it is, for the message.
 * @throws RecError MANIFEST_INVALID for an absolute path, one that leaves the folder, or the manifest's.
 */
export function checkRelativePath(path: string, what: string): void {
  if (path === '' || path.split('/').some((part) => part === '' || part === '.' || part === '..') || path.startsWith('/') || path.includes('\\')) {
    throw new RecError('MANIFEST_INVALID', `${what} path must be relative inside the model folder, found "${path}"`);
  }
  if (path === MANIFEST_FILE) throw new RecError('MANIFEST_INVALID', `${what} path must not be ${MANIFEST_FILE}`);
}
