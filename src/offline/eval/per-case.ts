/**
 * Per-case results of one evaluation run, kept beside its report as `per-case.json` so two methods,
 * or the same method trained with different seeds, can be compared shopper by shopper
 * (`npm run eval:compare`). Per method it holds HR@10 (one byte per case, 0 or 1) and NDCG@10
 * (float32, little-endian), base64 in case order: about 7 bytes per case and method before base64.
 * The split's fingerprint, a sha256 of its ordered cases (user, target item ids), guards the
 * pairing: runs whose cases differ in any way (another split, another target, --limit, another
 * log) have different fingerprints, and eval:compare refuses them.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { RecError } from '../../core/errors.ts';
import type { EvalCase } from './dataset.ts';

/** The file's name inside an evaluation's output folder. */
export const PER_CASE_FILE = 'per-case.json';
const FORMAT = 'vitrine-eval-per-case';
const VERSION = 1;

/** One method's HR@10 and NDCG@10, one entry per case in the split's order. */
export interface CaseScores {
  readonly hr10: Uint8Array;
  readonly ndcg10: Float32Array;
}

/** One method's per-case results. */
export interface MethodScores {
  readonly method: string;
  readonly scores: CaseScores;
}

/** One run's per-case results and what identifies its split. */
export interface PerCaseRun {
  /** The evaluated model folder, as the report names it. */
  readonly model: string;
  readonly manifestSha256: string;
  readonly protocol: string;
  readonly target: string;
  /** Every case of the split was scored (no --limit). */
  readonly full: boolean;
  /** Scored cases: the length of every method's arrays. */
  readonly cases: number;
  readonly fingerprint: string;
  readonly methods: readonly MethodScores[];
}

/**
 * @param protocol the split's protocol name.
 * @param target its target (test or validation).
 * @param cases the scored cases, in order.
 * @param itemId the catalogue id of a row, so the fingerprint does not depend on row numbering.
 * @returns hex sha256 of the protocol, the target and each case's user and target ids, in order.
 */
export function splitFingerprint(protocol: string, target: string, cases: readonly EvalCase[], itemId: (row: number) => string): string {
  const hash = createHash('sha256').update(`${protocol}\n${target}\n`);
  for (const c of cases) hash.update(`${c.user}\t${c.targets.map(itemId).join(',')}\n`);
  return hash.digest('hex');
}

/**
 * @param run the run's results.
 * @returns the file's text (JSON; arrays as base64 of their little-endian bytes).
 */
export function encodePerCase(run: PerCaseRun): string {
  const methods = run.methods.map(({ method, scores }) => {
    if (scores.hr10.length !== run.cases || scores.ndcg10.length !== run.cases)
      throw new RecError('INTERNAL', `${method}: ${scores.hr10.length} HR@10 and ${scores.ndcg10.length} NDCG@10 values for ${run.cases} cases`);
    const ndcg = new DataView(new ArrayBuffer(scores.ndcg10.length * 4));
    scores.ndcg10.forEach((value, i) => ndcg.setFloat32(i * 4, value, true));
    return { method, hr10: Buffer.from(scores.hr10).toString('base64'), ndcg10: Buffer.from(ndcg.buffer).toString('base64') };
  });
  const { model, manifestSha256, protocol, target, full, cases, fingerprint } = run;
  return `${JSON.stringify({ format: FORMAT, version: VERSION, model, manifestSha256, protocol, target, full, cases, fingerprint, methods })}\n`;
}

/**
 * @param text the file's text.
 * @param file its path, for messages.
 * @returns the run it describes.
 * @throws RecError CONFIG_INVALID naming the file and the field when it is not such a file.
 */
export function decodePerCase(text: string, file: string): PerCaseRun {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RecError('CONFIG_INVALID', `expected the per-case results of npm run eval as JSON (${(error as Error).message})`, { file }, { cause: error });
  }
  const bad = (field: string, expected: string, found: unknown): RecError =>
    new RecError('CONFIG_INVALID', `expected ${expected}, found ${JSON.stringify(found) ?? 'nothing'}`, { file, field });
  const record = (at: unknown, field: string): Record<string, unknown> => {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) throw bad(field, 'an object', at);
    return at as Record<string, unknown>;
  };
  const top = record(value, '(file)');
  if (top['format'] !== FORMAT || top['version'] !== VERSION)
    throw bad('format', `"${FORMAT}" version ${VERSION}`, `${String(top['format'])} ${String(top['version'])}`);
  const stringField = (at: Record<string, unknown>, field: string, prefix = ''): string => {
    const found = at[field];
    if (typeof found !== 'string') throw bad(`${prefix}${field}`, 'a string', found);
    return found;
  };
  const cases = top['cases'];
  if (typeof cases !== 'number' || !Number.isInteger(cases) || cases < 0) throw bad('cases', 'a whole number', cases);
  if (typeof top['full'] !== 'boolean') throw bad('full', 'true or false', top['full']);
  if (!Array.isArray(top['methods'])) throw bad('methods', 'an array', top['methods']);
  const methods = top['methods'].map((entry: unknown, i) => {
    const at = record(entry, `methods[${i}]`);
    const prefix = `methods[${i}].`;
    const hr = Buffer.from(stringField(at, 'hr10', prefix), 'base64');
    const ndcg = Buffer.from(stringField(at, 'ndcg10', prefix), 'base64');
    if (hr.length !== cases) throw bad(`${prefix}hr10`, `${cases} bytes`, `${hr.length}`);
    if (ndcg.length !== cases * 4) throw bad(`${prefix}ndcg10`, `${cases * 4} bytes`, `${ndcg.length}`);
    const view = new DataView(ndcg.buffer, ndcg.byteOffset, ndcg.length);
    const ndcg10 = Float32Array.from({ length: cases }, (_, j) => view.getFloat32(j * 4, true));
    return { method: stringField(at, 'method', prefix), scores: { hr10: Uint8Array.from(hr), ndcg10 } };
  });
  return {
    model: stringField(top, 'model'),
    manifestSha256: stringField(top, 'manifestSha256'),
    protocol: stringField(top, 'protocol'),
    target: stringField(top, 'target'),
    full: top['full'],
    cases,
    fingerprint: stringField(top, 'fingerprint'),
    methods,
  };
}

/**
 * @param file a per-case.json.
 * @returns its run.
 * @throws RecError CONFIG_INVALID when it cannot be read or is not such a file.
 */
export async function readPerCase(file: string): Promise<PerCaseRun> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new RecError(
      'CONFIG_INVALID',
      `cannot read the per-case results (${(error as Error).message}); run npm run eval (which writes ${PER_CASE_FILE} beside report.json) first`,
      { file },
      { cause: error },
    );
  }
  return decodePerCase(text, file);
}
