/**
 * Shown instead of the storefront when it cannot start (or crashes): the RecError's message, which
 * names the file and what was expected vs found, plus what to try. Never a blank page.
 */
import type { RecError } from '../core/index.ts';
import { ERROR_HINTS } from './format.ts';

export interface ErrorViewProps {
  readonly error: RecError;
  readonly title?: string | undefined;
  readonly onRetry?: (() => void) | undefined;
}

export function ErrorView({ error, title = 'The storefront could not start', onRetry }: ErrorViewProps) {
  const hint = ERROR_HINTS[error.code];
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
