/**
 * A small progress line for long builder steps, on stderr so stdout stays the summary. On a TTY it
 * rewrites one line in place (at most a few times a second); otherwise (CI, pipes) it prints a line
 * every ~10% so logs stay short. Also the two formatters of durations and sizes that every builder
 * message uses. Owns nothing else; embed.ts and build-model.ts report through it.
 */

/** Receives progress of a counted task. */
export interface Progress {
  /** @param done units finished so far (not an increment). */
  update(done: number): void;
  /** Ends the line; prints the final count and rate. */
  finish(): void;
}

/** A progress sink that prints nothing (tests, quiet runs). */
export const SILENT_PROGRESS: Progress = { update() {}, finish() {} };

/** What createProgress writes to: process.stderr or a fake in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * @param label what is counted, e.g. "embedding".
 * @param total units to do.
 * @param stream where to print (default process.stderr).
 * @param now clock in ms (injectable for tests).
 */
export function createProgress(label: string, total: number, stream: ProgressStream = process.stderr, now: () => number = () => performance.now()): Progress {
  const start = now();
  const tty = stream.isTTY === true;
  let lastPrint = Number.NEGATIVE_INFINITY;
  let lastDecile = -1;
  let done = 0;
  const line = (): string => {
    const seconds = (now() - start) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 ? (total - done) / rate : Number.NaN;
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    return `${label} ${done}/${total} ${percent}% ${rate.toFixed(1)}/s ETA ${formatSeconds(eta)}`;
  };
  return {
    update(value) {
      done = Math.min(total, value);
      const t = now();
      if (tty) {
        if (t - lastPrint < 250 && done < total) return;
        lastPrint = t;
        stream.write(`\r${line()}\u001b[K`);
      } else {
        const decile = Math.floor((done / Math.max(1, total)) * 10);
        if (decile === lastDecile || done === total) return;
        lastDecile = decile;
        stream.write(`${line()}\n`);
      }
    },
    finish() {
      const seconds = (now() - start) / 1000;
      const text = `${label} ${done}/${total} done in ${formatSeconds(seconds)}${seconds > 0 ? ` (${(done / seconds).toFixed(1)}/s)` : ''}`;
      stream.write(tty ? `\r${text}\u001b[K\n` : `${text}\n`);
    },
  };
}

/** @param seconds a duration; @returns "1m05s", "42s" or "?" when unknown. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** @param bytes a size; @returns e.g. "4.9 MB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}
