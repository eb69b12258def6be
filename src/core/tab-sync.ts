/**
 * Tabs of one shop kept consistent: each tab publishes the events it stored, and folds in what the
 * others stored. What arrives from another tab is `unknown` until validated here; anything
 * malformed is ignored, never trusted.
 */
import { parseEvent, type InteractionEvent } from './interactions.ts';
import type { SyncChannel } from './ports.ts';
import type { Unsubscribe } from './events.ts';

/** What another tab did, once validated. */
export type TabMessage = { readonly kind: 'erased' } | { readonly kind: 'events'; readonly events: readonly InteractionEvent[] };

/**
 * @param message a message from another tab, unvalidated.
 * @returns it, validated, or null when it is malformed.
 */
export function parseTabMessage(message: unknown): TabMessage | null {
  if (typeof message !== 'object' || message === null) return null;
  const { kind, events } = message as { kind?: unknown; events?: unknown };
  if (kind === 'erased') return { kind };
  if (kind !== 'events' || !Array.isArray(events)) return null;
  try {
    return { kind, events: events.map((event: unknown) => parseEvent(event, 'another tab')) };
  } catch {
    return null;
  }
}

/**
 * Hands other tabs' valid messages to `handle`; malformed ones and empty event lists are dropped.
 * @param sync the channel (none: a single tab).
 * @param handle what this tab does with another tab's message.
 * @returns the unsubscribe.
 */
export function followOtherTabs(sync: SyncChannel | undefined, handle: (message: TabMessage) => void): Unsubscribe {
  return (
    sync?.subscribe((message) => {
      const parsed = parseTabMessage(message);
      if (parsed !== null && (parsed.kind === 'erased' || parsed.events.length > 0)) handle(parsed);
    }) ?? (() => {})
  );
}
