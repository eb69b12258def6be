/**
 * Shown instead of the storefront when it cannot start (or crashes): the RecError's message, which
 * names the file and what was expected vs found, plus what to try. Never a blank page.
 */
import type { RecError } from '../core/index.ts';

export interface ErrorViewProps {
  readonly error: RecError;
  readonly title?: string | undefined;
  readonly onRetry?: (() => void) | undefined;
}

const HINTS: Partial<Record<RecError['code'], string>> = {
  MODEL_FETCH_FAILED: 'Check that the model has been built (npm run models:demo) and that the “models” URL parameter names it.',
  MANIFEST_INVALID: 'The model folder holds a manifest this version cannot read. Rebuild the model.',
  MODEL_FILE_SIZE_MISMATCH: 'A model file does not match its manifest: it may be truncated or from another build. Rebuild the model.',
  MODEL_CHECKSUM_MISMATCH: 'A model file does not match its manifest: it may be corrupted or from another build. Rebuild the model.',
  MODEL_DIMENSION_MISMATCH: 'The vectors do not have the shape the manifest declares. Rebuild the model.',
  MODEL_VECTORS_INVALID: 'The vectors file holds invalid values. Rebuild the model.',
  CATALOG_INVALID: 'The catalogue file does not match the model. Rebuild the model.',
  CONFIG_INVALID: 'Fix the URL parameter named above (models, backend or limit) and reload.',
  BACKEND_UNAVAILABLE: 'No compute backend could start in this browser.',
  WEBGPU_UNAVAILABLE: 'WebGPU is not available here; try ?backend=wasm.',
};

export function ErrorView({ error, title = 'The storefront could not start', onRetry }: ErrorViewProps) {
  const hint = HINTS[error.code];
  return (
    <main className="failure">
      <div className="failure__card" role="alert" data-error-code={error.code}>
        <h1 className="failure__title">{title}</h1>
        <p className="failure__message">{error.message}</p>
        {hint !== undefined && <p className="failure__hint">{hint}</p>}
        <p className="failure__code">
          Error code <code>{error.code}</code>
        </p>
        {onRetry !== undefined && (
          <button type="button" className="button" onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
    </main>
  );
}
