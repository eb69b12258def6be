/**
 * One build's run-time context: where its lines go, its progress bars (none with --quiet), the
 * seconds of each step for the report, and the warnings the report repeats. build-model.ts creates
 * it; every step of the pipeline reports through it.
 */
import { createProgress, SILENT_PROGRESS, type Progress, type ProgressStream } from '../lib/progress.ts';
import { round } from './build-report.ts';

/** Where a build writes: progress bars, summary lines and warnings (tests replace them). */
export interface BuildOutput {
  /** Progress lines (default process.stderr); null: none. */
  readonly progressStream?: ProgressStream | null;
  /** Summary lines (default console.log). */
  readonly log?: (line: string) => void;
  /** Warnings and problems (default console.error). */
  readonly warn?: (line: string) => void;
}

export interface BuildRun {
  readonly log: (line: string) => void;
  readonly warn: (line: string) => void;
  /**
   * A progress bar `build:models: <label>` with an ETA (silent when quiet or without a stream).
   * @param label what is counted.
   * @param total how many.
   */
  progress(label: string, total: number): Progress;
  /**
   * Runs one step and records its seconds under its name, also when it fails.
   * @param step the name in the report's timings.
   * @param work the step.
   */
  timed<T>(step: string, work: () => T | Promise<T>): Promise<T>;
  /**
   * Prints a warning and keeps it for the report.
   * @param message the warning.
   */
  loud(message: string): void;
  /** Seconds per finished step, in the order they ran. */
  readonly timings: Readonly<Record<string, number>>;
  readonly warnings: readonly string[];
  /** Seconds since the run started. */
  elapsed(): number;
}

/**
 * @param quiet no progress bars (--quiet).
 * @param output replacements for the default streams.
 */
export function createBuildRun(quiet: boolean, output: BuildOutput): BuildRun {
  const log = output.log ?? ((line: string) => console.log(line));
  const warn = output.warn ?? ((line: string) => console.error(line));
  const stream = quiet ? null : output.progressStream === undefined ? process.stderr : output.progressStream;
  const timings: Record<string, number> = {};
  const warnings: string[] = [];
  const started = performance.now();
  return {
    log,
    warn,
    progress: (label, total) => (stream === null ? SILENT_PROGRESS : createProgress(`build:models: ${label}`, total, stream)),
    async timed(step, work) {
      const t = performance.now();
      try {
        return await work();
      } finally {
        timings[step] = round((performance.now() - t) / 1000, 3);
      }
    },
    loud(message) {
      warnings.push(message);
      warn(`build:models: WARNING: ${message}`);
    },
    timings,
    warnings,
    elapsed: () => (performance.now() - started) / 1000,
  };
}
