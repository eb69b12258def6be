/**
 * Messages for the status banner: the recommender's notices (storage fell back to memory, the
 * search encoder failed to load, …), start-up notices from the composition root, and errors from
 * interactions, which are caught here rather than left as unhandled rejections.
 */
import { useCallback, useEffect, useState } from 'react';
import type { RecError } from '../core/index.ts';
import { useStorefront } from './storefront-context.ts';

export interface Message {
  readonly id: number;
  readonly text: string;
  readonly tone: 'info' | 'warning' | 'error';
}

/** How many messages the banner keeps; older ones drop off. */
const MAX_MESSAGES = 3;

let nextId = 1;

/** @param error anything thrown by an interaction; @returns a sentence for the shopper. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * @param initial messages to show from the start (e.g. "storage unavailable, kept in memory").
 * @returns the messages and functions to add and dismiss them.
 */
export function useMessages(initial: readonly string[] = []): {
  readonly messages: readonly Message[];
  readonly push: (text: string, tone?: Message['tone']) => void;
  readonly dismiss: (id: number) => void;
} {
  const { recommender } = useStorefront();
  const [messages, setMessages] = useState<readonly Message[]>(() => initial.map((text) => ({ id: nextId++, text, tone: 'warning' as const })));

  const push = useCallback((text: string, tone: Message['tone'] = 'error') => {
    setMessages((current) => {
      // The same notice twice in a row (e.g. every write failing) is shown once.
      if (current.at(-1)?.text === text) return current;
      return [...current, { id: nextId++, text, tone }].slice(-MAX_MESSAGES);
    });
  }, []);
  const dismiss = useCallback((id: number) => setMessages((current) => current.filter((m) => m.id !== id)), []);

  useEffect(
    () => recommender.on('notice', (notice: RecError) => push(notice.message, notice.kind === 'environment' ? 'warning' : 'error')),
    [recommender, push],
  );

  return { messages, push, dismiss };
}
