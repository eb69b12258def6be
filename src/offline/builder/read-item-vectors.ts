/**
 * The build step that reads a shop's own item vectors (--item-vectors) against the catalogue:
 * every vector the builder cannot use is counted by reason with its `file:line` (or row), the
 * catalogue items left without one are counted and named (they fall back to their text, see
 * import-space.ts), and the file's skipped share answers to --max-invalid like any input's.
 */
import type { ItemVectorsSource } from '../lib/build-options.ts';
import type { CatalogInput } from '../lib/ingest/catalog-input.ts';
import { readItemVectors, type ItemVectorsInput } from '../lib/ingest/item-vectors-input.ts';
import { createProblemLog, EXAMPLES_PER_REASON } from '../lib/ingest/problems.ts';
import { round, type InputReport } from './build-report.ts';
import type { BuildRun } from './build-run.ts';

/** What the report says of the imported file. */
export interface ItemVectorsReport extends InputReport {
  readonly format: string;
  readonly dim: number;
  /** Catalogue items with an imported vector. */
  readonly imported: number;
  /** Catalogue items without one (they fall back to their text mapped into the imported space). */
  readonly missing: number;
  /** The first few of them, by id. */
  readonly missingExamples: readonly string[];
}

/** The option's files, as read. */
export interface ItemVectorsFiles {
  readonly bytes: Uint8Array;
  /** The .npy array's ids file, else null. */
  readonly ids: { readonly file: string; readonly bytes: Uint8Array } | null;
}

/**
 * @param source the option's file, ids file and field names.
 * @param files their contents.
 * @param catalog the catalogue as read.
 * @param strict stop at the first bad record.
 * @param run the build's progress and timings.
 * @throws RecError ITEM_VECTORS_INVALID for a file the builder cannot read at all (and in strict
 *   mode for the first bad record).
 */
export async function readImportedVectors(
  source: ItemVectorsSource,
  files: ItemVectorsFiles,
  catalog: CatalogInput,
  strict: boolean,
  run: BuildRun,
): Promise<{ input: ItemVectorsInput; report: ItemVectorsReport }> {
  const { bytes, ids } = files;
  const problems = createProblemLog(source.file, { strict, code: 'ITEM_VECTORS_INVALID' });
  const input = await run.timed('read item vectors', () =>
    readItemVectors(source.file, bytes, {
      ids,
      itemCount: catalog.items.length,
      rowOf: new Map(catalog.items.map((item, row) => [item.id, row])),
      skippedIds: catalog.skippedIds,
      problems,
      idField: source.idField,
      vectorField: source.vectorField,
    }),
  );
  const summary = problems.summary();
  const missingExamples: string[] = [];
  input.has.forEach((flag, row) => {
    if (flag === 0 && missingExamples.length < EXAMPLES_PER_REASON) missingExamples.push(catalog.items[row]?.id ?? '');
  });
  const report: ItemVectorsReport = {
    file: source.file,
    bytes: bytes.byteLength,
    records: input.records,
    used: input.records - summary.skipped,
    invalidFraction: input.records === 0 ? 0 : round(summary.skipped / input.records, 6),
    ...summary,
    format: input.format,
    dim: input.dim,
    imported: input.imported,
    missing: catalog.items.length - input.imported,
    missingExamples,
  };
  return { input, report };
}

/**
 * @returns why the build must stop (nothing imported, or more skipped than --max-invalid allows), or null.
 */
export function importFailure(report: ItemVectorsReport, maxInvalid: number): string | null {
  if (report.imported === 0)
    return `${report.file}: no vector belongs to an item of the catalogue (${report.records} records read); check --item-vector-id-field`;
  if (report.invalidFraction > maxInvalid) {
    return (
      `${report.file}: ${report.skipped} of ${report.records} vectors (${(report.invalidFraction * 100).toFixed(2)}%) were skipped, ` +
      `more than --max-invalid ${(maxInvalid * 100).toFixed(2)}%; fix them or raise --max-invalid`
    );
  }
  return null;
}
