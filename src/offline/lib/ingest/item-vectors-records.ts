/**
 * What every item-vectors format shares once a record is read: the checks of one (id, vector)
 * record and the catalogue-row matrix the used vectors go into. Each format reader only finds its
 * records and hands them here, so a vector is judged alike whether it came from .npy, Parquet,
 * Arrow or JSON Lines.
 *
 * A record is checked in this order: its id is present; its vector is a list of finite float32
 * numbers, of the file's dimension, not all zero; its id names a catalogue item not given a vector
 * before. So the dimension is fixed by the first record with a well-formed vector, and of two
 * vectors for one id the first well-formed one wins.
 */
import { RecError } from '../../../core/errors.ts';
import { describe, quote } from '../../../core/validate.ts';
import type { ProblemLog } from './problems.ts';

/** The largest vector dimension the builder imports. */
export const MAX_IMPORTED_DIM = 4096;

/** Where a record's vectors go, and which ids they may name. */
export interface RecordTarget {
  readonly file: string;
  /** Catalogue items: the matrix has this many rows. */
  readonly itemCount: number;
  readonly rowOf: ReadonlyMap<string, number>;
  readonly skippedIds: ReadonlySet<string>;
  readonly problems: ProblemLog;
}

/** The used vectors, by catalogue row. */
export interface CollectedVectors {
  readonly dim: number;
  readonly vectors: Float32Array;
  readonly has: Uint8Array;
  readonly imported: number;
}

/** Takes a file's records one by one. */
export interface VectorCollector {
  /**
   * Fixes the dimension before any record, where the file declares it (an array's shape, a fixed-size list).
   * @param dim the declared dimension.
   * @param source where it is declared, for the message.
   * @throws RecError ITEM_VECTORS_INVALID when it is 0 or over MAX_IMPORTED_DIM.
   */
  declareDim(dim: number, source: string): void;
  /**
   * Checks one record and keeps its vector when it is usable, or reports why it is skipped.
   * @param line the 1-based line or row number.
   * @param id the id as found (a string, or an integer as number or bigint).
   * @param vector the vector as found (an array or typed array of numbers, or anything else).
   * @throws RecError from the problem log in strict mode, or when the first vector's dimension is over the limit.
   */
  add(line: number, id: unknown, vector: unknown): void;
  /** @returns the matrix so far; its dimension is 0 when no vector was well formed. */
  collected(): CollectedVectors;
}

/**
 * @param target the catalogue and the problem log.
 * @param names how the id and the vector are named in messages (a field, a column, a file), and what a record's number counts (lines or rows).
 */
export function collectVectors(target: RecordTarget, names: { readonly id: string; readonly vector: string; readonly unit: 'line' | 'row' }): VectorCollector {
  const { problems } = target;
  const firstLineOf = new Map<string, number>();
  let dim = 0;
  let vectors = new Float32Array(0);
  const has = new Uint8Array(target.itemCount);
  let imported = 0;
  const fix = (value: number, source: string, line?: number): void => {
    if (value < 1 || value > MAX_IMPORTED_DIM)
      throw new RecError('ITEM_VECTORS_INVALID', `${source} gives vectors of dimension ${value}; the builder imports dimensions 1 to ${MAX_IMPORTED_DIM}`, {
        file: target.file,
        ...(line === undefined ? {} : { line }),
      });
    dim = value;
    vectors = new Float32Array(target.itemCount * dim);
  };
  return {
    declareDim(value, source) {
      fix(value, source);
    },
    add(line, rawId, vector) {
      const id = idOf(rawId);
      if (id === null) return problems.report('missing-id', line, `${names.id} must be a non-empty string or an integer, found ${describe(rawId)}`);
      const values = numbersOf(vector);
      if (values === null) return problems.report('bad-vector', line, `${names.vector} must be a list of numbers, found ${describe(vector)}`);
      const bad = firstBadValue(values);
      if (bad !== -1) return problems.report('bad-vector', line, `${names.vector}[${bad}] is ${describe(values[bad])}, not a finite float32 number`);
      if (values.length === 0) return problems.report('bad-vector', line, `${names.vector} is an empty list`);
      if (dim !== 0 && values.length !== dim)
        return problems.report('wrong-dimension', line, `${names.vector} has ${values.length} numbers; the file's vectors have ${dim}`);
      if (isZero(values)) return problems.report('zero-vector', line, `${names.vector} is all zeros (${values.length} of them)`);
      if (dim === 0) fix(values.length, `${names.vector} of its first usable record`, line);
      const row = target.rowOf.get(id);
      if (row === undefined)
        return target.skippedIds.has(id)
          ? problems.report('skipped-item', line, `item ${quote(id)} was skipped from the catalogue (see its catalogue problem)`)
          : problems.report('unknown-item', line, `item ${quote(id)} is not in the catalogue`);
      const first = firstLineOf.get(id);
      if (first !== undefined)
        return problems.report('duplicate-id', line, `item ${quote(id)} already has a vector, from ${names.unit} ${first} (the first is used)`);
      firstLineOf.set(id, line);
      for (let j = 0; j < dim; j++) vectors[row * dim + j] = values[j] as number;
      has[row] = 1;
      imported++;
    },
    collected: () => ({ dim, vectors, has, imported }),
  };
}

/** @returns the id as the catalogue writes it (trimmed text, integers in decimal), or null when there is none. */
function idOf(raw: unknown): string | null {
  if (typeof raw === 'string') return raw.trim() === '' ? null : raw.trim();
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return String(raw);
  if (typeof raw === 'bigint') return String(raw);
  return null;
}

/** @returns the elements of an array or typed array, or null for anything else. */
function numbersOf(vector: unknown): ArrayLike<unknown> | null {
  if (Array.isArray(vector)) return vector as readonly unknown[];
  if (ArrayBuffer.isView(vector) && !(vector instanceof DataView)) return vector as unknown as ArrayLike<unknown>;
  return null;
}

/** @returns the index of the first value that is not a number finite in float32 (1e39 is not), or -1. */
function firstBadValue(values: ArrayLike<unknown>): number {
  for (let j = 0; j < values.length; j++) {
    const value = values[j];
    if (typeof value !== 'number' || !Number.isFinite(Math.fround(value))) return j;
  }
  return -1;
}

function isZero(values: ArrayLike<unknown>): boolean {
  for (let j = 0; j < values.length; j++) if (values[j] !== 0) return false;
  return true;
}
