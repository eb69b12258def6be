/**
 * Branded ids and units. Each brand is created in exactly one function here, so a row index can
 * never be passed where an item id is expected (and vice versa).
 */

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A catalogue item's id, as written in the catalogue file. */
export type ItemId = Brand<string, 'ItemId'>;
/** One shopping session (a page load of the storefront). */
export type SessionId = Brand<string, 'SessionId'>;
/** A relevance score: higher is better; comparable only within one ranking. */
export type Score = Brand<number, 'Score'>;

/** @param raw a non-empty string from a validated source (catalogue, stored event). */
export function toItemId(raw: string): ItemId {
  return raw as ItemId;
}

/** @param raw a non-empty session string. */
export function toSessionId(raw: string): SessionId {
  return raw as SessionId;
}

/** @param raw a finite number. */
export function toScore(raw: number): Score {
  return raw as Score;
}
