/**
 * `whenIdle`: runs a task in one of the page's idle moments (requestIdleCallback), or after a timer
 * where the browser has none (Safari), so that work nobody waits for stays off the shopper's clicks.
 */

/**
 * @param task what to run.
 * @param timeoutMs run it by then even if the page is never idle.
 */
export function whenIdle(task: () => void, timeoutMs: number): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(task, { timeout: timeoutMs });
  else setTimeout(task, timeoutMs);
}
