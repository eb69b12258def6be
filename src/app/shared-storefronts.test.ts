// The per-page registry of started storefronts, with start.ts replaced by a fake: which widgets
// share a start, when the shared recommender is disposed, and that a failed start is retried.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseStorefrontConfig, RecError, type Recommender } from '../core/index.ts';
import type { Started } from './start.ts';

const startWithConfig = vi.fn();
vi.mock('./start.ts', () => ({ startWithConfig: (...args: unknown[]) => startWithConfig(...args) }));
const { acquireStorefront } = await import('./shared-storefronts.ts');

const config = (models: string, limit = '8') => parseStorefrontConfig(new URLSearchParams({ models, limit }), 'test');

function started(): Started & { dispose: ReturnType<typeof vi.fn> } {
  const dispose = vi.fn();
  return { kind: 'storefront', config: config('/models/demo'), recommender: { dispose } as unknown as Recommender, notices: [], dispose };
}

/** Lets the registry's deferred disposal run. */
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('acquireStorefront', () => {
  beforeEach(() => {
    startWithConfig.mockReset();
  });

  it('starts one storefront per model, ranking the most cards any grid may show', async () => {
    const demo = started();
    startWithConfig.mockResolvedValue(demo);
    const first = acquireStorefront(config('/models/demo', '8'), () => {});
    const second = acquireStorefront(config('/models/demo', '4'), () => {});
    expect(startWithConfig).toHaveBeenCalledTimes(1);
    expect(startWithConfig.mock.calls[0]?.[0]).toMatchObject({ modelUrl: '/models/demo', gridSize: 200 });
    expect(await second.started).toBe(await first.started);

    const other = acquireStorefront(config('/models/other'), () => {});
    expect(startWithConfig).toHaveBeenCalledTimes(2);
    for (const hold of [first, second, other]) hold.release();
    await nextTask();
  });

  it('disposes the shared recommender only when the last grid lets go, a task later', async () => {
    const demo = started();
    startWithConfig.mockResolvedValue(demo);
    const first = acquireStorefront(config('/models/demo'), () => {});
    const second = acquireStorefront(config('/models/demo'), () => {});
    await first.started;
    first.release();
    first.release(); // idempotent: must not count as the second grid letting go
    await nextTask();
    expect(demo.dispose).not.toHaveBeenCalled();

    // Moved in the DOM: released and acquired again in one task, the storefront keeps running.
    second.release();
    const moved = acquireStorefront(config('/models/demo'), () => {});
    await nextTask();
    expect(demo.dispose).not.toHaveBeenCalled();
    expect(startWithConfig).toHaveBeenCalledTimes(1);

    moved.release();
    await nextTask();
    expect(demo.dispose).toHaveBeenCalledTimes(1);
    acquireStorefront(config('/models/demo'), () => {}).release();
    expect(startWithConfig).toHaveBeenCalledTimes(2);
    await nextTask();
  });

  it('forgets a start that failed, so the next grid tries again', async () => {
    const failure = new RecError('MODEL_FETCH_FAILED', 'manifest.json: HTTP 404');
    startWithConfig.mockRejectedValueOnce(failure).mockResolvedValueOnce(started());
    const first = acquireStorefront(config('/models/demo'), () => {});
    await expect(first.started).rejects.toBe(failure);
    const retry = acquireStorefront(config('/models/demo'), () => {});
    await expect(retry.started).resolves.toMatchObject({ kind: 'storefront' });
    expect(startWithConfig).toHaveBeenCalledTimes(2);
    first.release();
    retry.release();
    await nextTask();
  });

  it('hands each grid the download progress until it lets go', async () => {
    let report: (progress: unknown) => void = () => {};
    startWithConfig.mockImplementation((_config: unknown, onProgress: (progress: unknown) => void) => {
      report = onProgress;
      return new Promise(() => {});
    });
    const seen: unknown[][] = [[], []];
    const first = acquireStorefront(config('/models/slow'), (progress) => seen[0]?.push(progress));
    const second = acquireStorefront(config('/models/slow'), (progress) => seen[1]?.push(progress));
    report({ phase: 'files', loadedBytes: 1, totalBytes: 2 });
    first.release();
    report({ phase: 'files', loadedBytes: 2, totalBytes: 2 });
    expect(seen.map((progress) => progress.length)).toEqual([1, 2]);
    second.release();
    await nextTask();
  });
});
