/**
 * Test support for the item-vectors readers (never imported by builder code): the bytes of small
 * .npy, Arrow IPC and Parquet files built from plain lists, so a test states its input next to its
 * assertions. The fixture generator writes the committed fixtures with the same builders.
 */
export { arrowBytes, halfBits, npyBytes, parquetBytes, type NpyOptions, type VectorTable } from '../item-vector-files.ts';
import { readItemVectors, type ItemVectorsInput } from './item-vectors-input.ts';
import { createProblemLog, type ProblemSummary } from './problems.ts';

/** The tests' catalogue: its rows in another order than the fixtures' lines, and "c9" with no vector. */
export const TEST_ROW_OF: ReadonlyMap<string, number> = new Map([
  ['a2', 0],
  ['b7', 1],
  ['a1', 2],
  ['a3', 3],
  ['c9', 4],
]);

/** A catalogue id whose line the builder skipped. */
export const SKIPPED_ID = 'gone';

/**
 * Reads a vectors file against the tests' catalogue.
 * @param file the file name (its extension selects the format).
 * @param bytes its contents.
 * @param options an ids file's text or bytes (named ids.txt), strict mode and column names.
 * @returns what was read and the file's problems.
 */
export async function readTestVectors(
  file: string,
  bytes: Uint8Array,
  options: { readonly ids?: string | Uint8Array; readonly strict?: boolean; readonly idField?: string; readonly vectorField?: string } = {},
): Promise<{ input: ItemVectorsInput; summary: ProblemSummary }> {
  const problems = createProblemLog(file, { strict: options.strict ?? false, code: 'ITEM_VECTORS_INVALID' });
  const ids =
    options.ids === undefined ? null : { file: 'ids.txt', bytes: typeof options.ids === 'string' ? new TextEncoder().encode(options.ids) : options.ids };
  const input = await readItemVectors(file, bytes, {
    ids,
    itemCount: TEST_ROW_OF.size,
    rowOf: TEST_ROW_OF,
    skippedIds: new Set([SKIPPED_ID]),
    problems,
    ...(options.idField === undefined ? {} : { idField: options.idField }),
    ...(options.vectorField === undefined ? {} : { vectorField: options.vectorField }),
  });
  return { input, summary: problems.summary() };
}

/** @returns the matrix as one plain list per catalogue row. */
export function matrixRows(input: ItemVectorsInput): number[][] {
  return Array.from({ length: input.has.length }, (_, row) => [...input.vectors.subarray(row * input.dim, (row + 1) * input.dim)]);
}
