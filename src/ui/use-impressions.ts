/**
 * Impressions: which cards the shopper actually saw. An IntersectionObserver watches every card;
 * cards at least half visible are batched for ~300 ms and handed on: to recommender.recordImpressions
 * for the "For you" grid (use-interactions.ts), and to the host page's analytics where it listens.
 * After each re-rank every card is observed afresh, so the cards of the new ranking count again
 * (with their new positions); the recommender itself ignores repeats within one ranking.
 */
import { useCallback, useEffect, useRef, type RefCallback } from 'react';
import { toItemId, type ItemId } from '../core/index.ts';

const DEBOUNCE_MS = 300;
const VISIBLE_RATIO = 0.5;

/** Cards seen together: each item and its position in the grid. */
export type Shown = readonly { readonly item: ItemId; readonly position: number }[];

/**
 * @param ranking what the cards show (a new one re-observes every card).
 * @param onShown called with each batch of cards seen (the latest one given).
 * @param onError called when onShown rejects.
 * @returns a ref callback to put on each card (it needs `data-item-id` and `data-position`).
 */
export function useImpressions(ranking: unknown, onShown: (shown: Shown) => Promise<void>, onError: (error: unknown) => void): RefCallback<HTMLElement> {
  const cards = useRef(new Set<HTMLElement>());
  const observer = useRef<IntersectionObserver | null>(null);
  const pending = useRef(new Map<ItemId, number>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onErrorRef = useRef(onError);
  const onShownRef = useRef(onShown);
  useEffect(() => {
    onErrorRef.current = onError;
    onShownRef.current = onShown;
  }, [onError, onShown]);

  useEffect(() => {
    if (typeof IntersectionObserver === 'undefined') return undefined;
    const flush = (): void => {
      timer.current = null;
      if (pending.current.size === 0) return;
      const shown = [...pending.current].map(([item, position]) => ({ item, position }));
      pending.current.clear();
      onShownRef.current(shown).catch((error: unknown) => onErrorRef.current(error));
    };
    const io = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting || entry.intersectionRatio < VISIBLE_RATIO) continue;
          const element = entry.target as HTMLElement;
          const id = element.dataset['itemId'];
          const position = Number(element.dataset['position']);
          if (id === undefined || !Number.isInteger(position)) continue;
          // The id comes from a rendered catalogue item (data-item-id={item.id}).
          pending.current.set(toItemId(id), position);
        }
        if (pending.current.size > 0 && timer.current === null) timer.current = setTimeout(flush, DEBOUNCE_MS);
      },
      { threshold: [VISIBLE_RATIO] },
    );
    observer.current = io;
    for (const card of cards.current) io.observe(card);
    return () => {
      io.disconnect();
      observer.current = null;
      if (timer.current !== null) clearTimeout(timer.current);
      flush();
    };
  }, []);

  // A new ranking: positions changed, and the recommender starts a fresh set of impressions.
  useEffect(() => {
    const io = observer.current;
    if (io === null) return;
    pending.current.clear();
    for (const card of cards.current) {
      io.unobserve(card);
      io.observe(card);
    }
  }, [ranking]);

  return useCallback((card: HTMLElement | null) => {
    if (card === null) return undefined;
    cards.current.add(card);
    observer.current?.observe(card);
    return () => {
      cards.current.delete(card);
      observer.current?.unobserve(card);
    };
  }, []);
}
