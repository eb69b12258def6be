/**
 * The one error vocabulary of Vitrine. Every failure that crosses a module boundary is a RecError
 * with a code from ERROR_CODES. Codes are split by who can act on them:
 *  - environment: the browser or machine lacks something (no WebGPU, storage full or blocked, a
 *    network failure). The UI recovers (fallback backend, in-memory storage) and tells the shopper.
 *  - input: a file or value from outside is wrong (manifest, vectors, catalogue, config). The
 *    message names the file/field, what was expected and what was found.
 *  - internal: a programmer error; tests assert these never happen.
 */

export const ERROR_CODES = {
  WEBGPU_UNAVAILABLE: 'environment',
  BACKEND_UNAVAILABLE: 'environment',
  DEVICE_LOST: 'environment',
  STORAGE_UNAVAILABLE: 'environment',
  STORAGE_BLOCKED: 'environment',
  STORAGE_QUOTA_EXCEEDED: 'environment',
  MODEL_FETCH_FAILED: 'environment',
  ENCODER_UNAVAILABLE: 'environment',
  MANIFEST_INVALID: 'input',
  MODEL_FILE_SIZE_MISMATCH: 'input',
  MODEL_CHECKSUM_MISMATCH: 'input',
  MODEL_DIMENSION_MISMATCH: 'input',
  MODEL_VECTORS_INVALID: 'input',
  CATALOG_INVALID: 'input',
  CONFIG_INVALID: 'input',
  EVENT_INVALID: 'input',
  ITEM_VECTORS_INVALID: 'input',
  UNKNOWN_ITEM: 'input',
  INTERNAL: 'internal',
} as const;

export type RecErrorCode = keyof typeof ERROR_CODES;
export type RecErrorKind = (typeof ERROR_CODES)[RecErrorCode];

/** Where an input problem was found: a file (or URL) and, if known, a field path or line. */
export interface ErrorLocation {
  readonly file?: string;
  readonly field?: string;
  readonly line?: number;
}

export class RecError extends Error {
  override readonly name = 'RecError';
  readonly code: RecErrorCode;
  readonly kind: RecErrorKind;
  readonly location: ErrorLocation;

  /**
   * @param code the catalogue code.
   * @param message a sentence saying what is wrong and, for input errors, expected vs found.
   * @param location where the problem was found.
   * @param options the underlying cause, if any.
   */
  constructor(code: RecErrorCode, message: string, location: ErrorLocation = {}, options?: { cause?: unknown }) {
    super(formatMessage(message, location), options);
    this.code = code;
    this.kind = ERROR_CODES[code];
    this.location = location;
  }
}

function formatMessage(message: string, { file, field, line }: ErrorLocation): string {
  const where = [file, line === undefined ? undefined : `line ${line}`, field].filter((part) => part !== undefined);
  return where.length === 0 ? message : `${where.join(': ')}: ${message}`;
}

/** @param error anything caught. */
export function isRecError(error: unknown): error is RecError {
  return error instanceof RecError;
}

/**
 * Wraps anything caught into a RecError, keeping a RecError as it is.
 * @param error the caught value.
 * @param code the code to use when it is not already a RecError.
 */
export function toRecError(error: unknown, code: RecErrorCode = 'INTERNAL'): RecError {
  if (error instanceof RecError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RecError(code, message, {}, { cause: error });
}
