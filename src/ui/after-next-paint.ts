/**
 * `afterNextPaint`: work held until the browser has painted.
 * - The storefront's `yieldToPaint` (core/recommender.ts): the recommender ranks an interaction
 *   after it, so the frame that answers a click carries only the click's own work, and the ranking
 *   lands in a later one (Interaction to Next Paint measures the first).
 * - A product image's request (ProductImage.tsx): a grid's new cards are painted in their places
 *   first, and their pictures load after.
 */

/** A hidden page paints no frames: go on after this long at most (timers there are throttled anyway). */
const HIDDEN_PAGE_WAIT_MS = 100;

/** @returns a promise that resolves after the browser's next paint (at once in a hidden page). */
export function afterNextPaint(): Promise<void> {
  if (document.visibilityState === 'hidden') return Promise.resolve();
  return new Promise((resolve) => {
    const fallback = setTimeout(resolve, HIDDEN_PAGE_WAIT_MS);
    requestAnimationFrame(() => {
      // The frame is painted after its animation-frame callbacks: a task queued here runs after it.
      setTimeout(() => {
        clearTimeout(fallback);
        resolve();
      }, 0);
    });
  });
}
