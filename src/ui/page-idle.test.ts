import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { whenIdle, whenQuiet } from './page-idle.ts';

/** requestIdleCallback stood in for: the test says when the page is idle. */
function stubIdleCallbacks() {
  const waiting = new Map<number, IdleRequestCallback>();
  const requested: { timeout: number | undefined }[] = [];
  let next = 1;
  vi.stubGlobal('requestIdleCallback', (callback: IdleRequestCallback, options?: IdleRequestOptions) => {
    requested.push({ timeout: options?.timeout });
    waiting.set(next, callback);
    return next++;
  });
  vi.stubGlobal('cancelIdleCallback', (handle: number) => waiting.delete(handle));
  return {
    requested,
    waitingCount: () => waiting.size,
    /** An idle moment: every waiting callback runs. */
    idle() {
      const callbacks = [...waiting.values()];
      waiting.clear();
      for (const callback of callbacks) callback({ didTimeout: false, timeRemaining: () => 10 });
    },
  };
}

const QUIET_MS = 1500;

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('whenQuiet', () => {
  it('asks for an idle moment once the page has had no input for quietMs, and runs the task in it, once', () => {
    const idle = stubIdleCallbacks();
    const task = vi.fn();
    whenQuiet(task, QUIET_MS, new EventTarget());
    vi.advanceTimersByTime(QUIET_MS - 1);
    idle.idle();
    expect(idle.requested).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(idle.requested).toEqual([{ timeout: QUIET_MS }]);
    expect(task).not.toHaveBeenCalled();
    idle.idle();
    expect(task).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts the wait again at each click or key, but not at a pointer merely moving', () => {
    const idle = stubIdleCallbacks();
    const page = new EventTarget();
    const task = vi.fn();
    whenQuiet(task, QUIET_MS, page);
    vi.advanceTimersByTime(QUIET_MS - 1);
    page.dispatchEvent(new Event('pointerdown'));
    vi.advanceTimersByTime(QUIET_MS - 1);
    page.dispatchEvent(new Event('keydown'));
    vi.advanceTimersByTime(QUIET_MS - 1);
    page.dispatchEvent(new Event('pointermove'));
    expect(idle.requested).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(idle.requested).toHaveLength(1);
  });

  it('stops listening once quiet: later clicks neither delay nor repeat the task', () => {
    const idle = stubIdleCallbacks();
    const page = new EventTarget();
    const task = vi.fn();
    whenQuiet(task, QUIET_MS, page);
    vi.advanceTimersByTime(QUIET_MS);
    page.dispatchEvent(new Event('pointerdown'));
    idle.idle();
    page.dispatchEvent(new Event('pointerdown'));
    vi.advanceTimersByTime(10 * QUIET_MS);
    idle.idle();
    expect(task).toHaveBeenCalledTimes(1);
    expect(idle.requested).toHaveLength(1);
  });

  it('cancelled while waiting for quiet, or for the idle moment, never runs the task', () => {
    const idle = stubIdleCallbacks();
    const page = new EventTarget();
    const task = vi.fn();
    whenQuiet(task, QUIET_MS, page)();
    page.dispatchEvent(new Event('pointerdown'));
    vi.advanceTimersByTime(10 * QUIET_MS);
    expect(idle.requested).toEqual([]);

    const cancel = whenQuiet(task, QUIET_MS, page);
    vi.advanceTimersByTime(QUIET_MS);
    expect(idle.waitingCount()).toBe(1);
    cancel();
    expect(idle.waitingCount()).toBe(0);
    idle.idle();
    expect(task).not.toHaveBeenCalled();
  });
});

describe('whenIdle', () => {
  it('without requestIdleCallback (Safari), runs the task after timeoutMs unless cancelled', () => {
    const task = vi.fn();
    whenIdle(task, 200);
    const cancelled = vi.fn();
    whenIdle(cancelled, 200)();
    vi.advanceTimersByTime(199);
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(task).toHaveBeenCalledTimes(1);
    expect(cancelled).not.toHaveBeenCalled();
  });
});
