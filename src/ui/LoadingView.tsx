/** Start-up screen: a real progress bar over the model's bytes, then the remaining start-up phases. */
import { formatMegabytes, PHASE_LABELS, type StartupPhase } from './format.ts';

export interface LoadingViewProps {
  readonly phase: StartupPhase;
  readonly loadedBytes: number;
  readonly totalBytes: number;
}

export function LoadingView({ phase, loadedBytes, totalBytes }: LoadingViewProps) {
  const downloaded = phase !== 'manifest' && phase !== 'files';
  const percent = downloaded ? 100 : totalBytes > 0 ? Math.min(100, Math.floor((loadedBytes / totalBytes) * 100)) : 0;
  return (
    <main className="loading">
      <div className="loading__card">
        <h1 className="loading__title">Vitrine</h1>
        <p className="loading__lead">Preparing recommendations that are computed on your device.</p>
        <div
          className="progress"
          role="progressbar"
          aria-label="Loading the product model"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={`${percent}%, ${PHASE_LABELS[phase]}`}
          data-phase={phase}
        >
          <div className="progress__bar" style={{ inlineSize: `${percent}%` }} />
        </div>
        <p className="loading__detail">
          <span>{PHASE_LABELS[phase]}…</span>
          <span className="loading__bytes">{totalBytes > 0 ? `${formatMegabytes(loadedBytes)} of ${formatMegabytes(totalBytes)}` : ''}</span>
        </p>
      </div>
    </main>
  );
}
