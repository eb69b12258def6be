/**
 * Work nobody waits for, kept off the shopper's clicks: `whenIdle` runs a task in one of the page's
 * idle moments (requestIdleCallback, or a timer where the browser has none: Safari), and `whenQuiet`
 * waits first for the shopper to leave the page alone for a while. An idle moment alone is not
 * enough for a task that holds the main thread for long (loading the search's encoder is about
 * 100 ms): between the quick clicks of a shopper who has just arrived there are idle moments, and
 * a click that comes during such a task waits for it.
 */

/** The input that ends a quiet spell: a click, a tap or a key. */
const INPUT_EVENTS = ['pointerdown', 'keydown'] as const;

/**
 * @param task what to run.
 * @param timeoutMs run it by then even if the page is never idle.
 * @returns a cancel (no effect once the task has run).
 */
export function whenIdle(task: () => void, timeoutMs: number): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(task, { timeout: timeoutMs });
    return () => cancelIdleCallback(handle);
  }
  const timer = setTimeout(task, timeoutMs);
  return () => clearTimeout(timer);
}

/**
 * Runs `task` once, in an idle moment after `quietMs` without the shopper's input; each click, tap
 * or key in the meantime starts the wait again.
 * @param task what to run.
 * @param quietMs how long the shopper must leave the page alone first.
 * @param target where the input is listened for (the page's window).
 * @returns a cancel (no effect once the task has run).
 */
export function whenQuiet(task: () => void, quietMs: number, target: EventTarget = window): () => void {
  let cancelIdle: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stopListening = (): void => {
    for (const name of INPUT_EVENTS) target.removeEventListener(name, restart, { capture: true });
  };
  const quiet = (): void => {
    stopListening();
    cancelIdle = whenIdle(task, quietMs);
  };
  function restart(): void {
    clearTimeout(timer);
    timer = setTimeout(quiet, quietMs);
  }
  for (const name of INPUT_EVENTS) target.addEventListener(name, restart, { capture: true, passive: true });
  restart();
  return () => {
    clearTimeout(timer);
    stopListening();
    cancelIdle?.();
  };
}
