/**
 * The search box's glue: the text typed, completions while typing (the lexical index only,
 * debounced, newest answer wins), submitting a search, leaving it, and loading what a search needs
 * ahead of time (once the shopper leaves the page alone after the first grid, or as soon as the box
 * gets focus).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SearchSuggestion } from '../core/index.ts';
import { whenQuiet } from './page-idle.ts';
import { useStorefront } from './storefront-context.ts';
import type { InteractionKind } from './use-interactions.ts';

/** Keystrokes closer together than this ask for completions once. */
export const SUGGEST_DEBOUNCE_MS = 120;
/** Completions offered under the box. */
export const SUGGESTION_LIMIT = 8;
/**
 * After the first grid, the search's files load once the shopper has left the page alone this long
 * (loading the encoder holds the main thread about 100 ms: it must not land among a new shopper's
 * first clicks).
 */
const PREPARE_QUIET_MS = 1_500;

export interface SearchBox {
  readonly text: string;
  readonly suggestions: readonly SearchSuggestion[];
  /** True while a submitted search is being answered. */
  readonly searching: boolean;
  readonly onType: (text: string) => void;
  readonly onSubmit: (query: string) => void;
  readonly onFocus: () => void;
  /** Leaves the search and empties the box. */
  readonly onLeave: () => void;
  /** Puts a query in the box and searches it (a suggested category). */
  readonly onPick: (query: string) => void;
}

/**
 * @param track runs a recommender call as the grid's interactions do (busy, failures reported).
 * @returns the box's state and handlers.
 */
export function useSearch(track: <T>(task: Promise<T>, kind: InteractionKind) => Promise<T | undefined>): SearchBox {
  const { recommender } = useStorefront();
  const [text, setText] = useState('');
  const [suggestions, setSuggestions] = useState<readonly SearchSuggestion[]>([]);
  const [searching, setSearching] = useState(false);
  const asked = useRef(0);

  useEffect(() => whenQuiet(() => recommender.prepareSearch('quiet'), PREPARE_QUIET_MS), [recommender]);

  useEffect(() => {
    const ask = ++asked.current;
    if (text.trim() === '') return undefined;
    const timer = setTimeout(() => {
      recommender.suggest(text, SUGGESTION_LIMIT).then(
        (found) => {
          if (ask === asked.current) setSuggestions(found);
        },
        // Completions are a convenience: a failure (the index could not be built) shows none, and the search itself reports it.
        () => setSuggestions([]),
      );
    }, SUGGEST_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, recommender]);

  const onSubmit = useCallback(
    (query: string) => {
      setSearching(true);
      void track(recommender.search(query), 'search').finally(() => setSearching(false));
    },
    [track, recommender],
  );
  const onLeave = useCallback(() => {
    setText('');
    void track(recommender.clearSearch(), 'search');
  }, [track, recommender]);
  const onPick = useCallback(
    (query: string) => {
      setText(query);
      onSubmit(query);
    },
    [onSubmit],
  );
  const onFocus = useCallback(() => recommender.prepareSearch(), [recommender]);
  // An empty box offers nothing, whatever the last answer was.
  return { text, suggestions: text.trim() === '' ? [] : suggestions, searching, onType: setText, onSubmit, onFocus, onLeave, onPick };
}
