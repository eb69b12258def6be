/**
 * The semantic side of search (search.ts): cosines of the query, embedded and projected into the item
 * space, with the item rows. It ranks every row the words matched, whatever its cosine, and adds
 * other rows only when their cosine reaches the model's semantic floor on its own.
 */
import { RecError } from './errors.ts';
import { asMatrix, type ItemMatrix, type ItemRows } from './item-matrix.ts';
import type { LexicalHit } from './ports.ts';

/** Each retriever (the lexical index, the semantic scan) contributes at most this many ranked rows to the fusion. */
export const RETRIEVER_LIMIT = 1000;

/** An item's cosine with the query in the item space. */
export interface SemanticHit {
  readonly row: number;
  readonly similarity: number;
}

/**
 * Cosines of one query against every item row; the rows' norms are computed once.
 * @param vectors the item matrix, row-major.
 * @param dim its dimension.
 * @returns a scan: the rows whose cosine with `query` is at least `floor`, best first, at most `limit`.
 */
export interface SemanticScan {
  /** @returns the rows whose cosine with `query` is at least `floor`, best first, at most `limit`. */
  above(query: Float32Array, floor: number, limit: number): SemanticHit[];
  /** @returns the cosine of `query` with each of `rows`, best first. */
  among(query: Float32Array, rows: readonly number[]): SemanticHit[];
}

export function createSemanticScan(vectors: ItemRows, dim: number): SemanticScan {
  const matrix = asMatrix(vectors, dim);
  const norms = new Float32Array(matrix.count);
  // One row at a time into one array: a new one per row would be a million allocations at 1M items.
  const values = new Float32Array(dim);
  for (let row = 0; row < matrix.count; row++) {
    matrix.readRow(row, values, 0);
    norms[row] = euclideanNorm(values);
  }
  const norm = (row: number): number => norms[row] ?? 0;
  return {
    above: (query, floor, limit) => cosineHits(matrix, norm, query, allRows(matrix.count), floor).slice(0, limit),
    among: (query, rows) => cosineHits(matrix, norm, query, rows, Number.NEGATIVE_INFINITY),
  };
}

/**
 * The cosines of `query` with some rows: the ones at least `floor`, best first (ties to the lower
 * row); none for a zero query, and a zero row is never a hit.
 * @param matrix the rows' vectors (a paged matrix's must be on hand).
 * @param norm each row's length.
 * @throws RecError INTERNAL when the query does not have the matrix's dimension.
 */
export function cosineHits(matrix: ItemMatrix, norm: (row: number) => number, query: Float32Array, rows: Iterable<number>, floor: number): SemanticHit[] {
  checkQuery(query, matrix.dim);
  const queryNorm = euclideanNorm(query);
  const hits: SemanticHit[] = [];
  if (queryNorm === 0) return hits;
  for (const row of rows) {
    const rowNorm = norm(row);
    if (rowNorm === 0) continue;
    const similarity = matrix.dot(row, query) / (rowNorm * queryNorm);
    if (similarity >= floor) hits.push({ row, similarity });
  }
  return hits.sort((a, b) => b.similarity - a.similarity || a.row - b.row);
}

/** @throws RecError INTERNAL when the query does not have the item space's dimension. */
export function checkQuery(query: Float32Array, dim: number): void {
  if (query.length !== dim) throw new RecError('INTERNAL', `the query vector has ${query.length} values, the item space ${dim}`);
}

/** @returns the vector's length, summed in order (the scans' one definition, so whole and paged models agree to the bit). */
export function euclideanNorm(values: Float32Array): number {
  let sum = 0;
  for (const value of values) sum += value * value;
  return Math.sqrt(sum);
}

function* allRows(count: number): Generator<number> {
  for (let row = 0; row < count; row++) yield row;
}

/**
 * The semantic side's ranking: the rows the words matched, by cosine whatever it is, merged with the
 * rows whose cosine reaches the floor on its own.
 * @param scan the item space's scan.
 * @param query the query in the item space.
 * @param floor the model's semantic floor.
 * @param lexical the rows the words matched.
 */
export function semanticRanking(scan: SemanticScan, query: Float32Array, floor: number, lexical: readonly LexicalHit[]): SemanticHit[] {
  const confident = scan.above(query, floor, RETRIEVER_LIMIT);
  if (lexical.length === 0) return confident;
  const seen = new Set(confident.map(({ row }) => row));
  const supported = scan.among(
    query,
    lexical.flatMap(({ row }) => (seen.has(row) ? [] : [row])),
  );
  return [...confident, ...supported].sort((a, b) => b.similarity - a.similarity || a.row - b.row);
}
