/**
 * A shop's own list, re-ordered by the shopper's interest: the shop renders its category or search
 * page on its server as ever, and asks for the order of its item ids (`Recommender.rankItems`, the
 * `<vitrine-list>` element). The shopper's interest (the same one that scores "For you") orders the
 * ids the model knows, the shop's order breaking ties; until the shopper has done anything the
 * shop's order stands. Ids the model does not know are reported, for the caller to leave in place.
 */
import type { ItemId } from './ids.ts';
import type { Reason } from './recommender-types.ts';

export interface InPlaceOrder {
  /** The known ids, most interesting first (the shop's order while the shopper has no interest yet). */
  readonly order: readonly ItemId[];
  /** Why each known id is where it is, as a grid card would say (null: no clear reason). */
  readonly reasons: ReadonlyMap<ItemId, Reason | null>;
  /** Ids the model does not have, in the order given. */
  readonly unknown: readonly ItemId[];
  /** Whether the shopper's interest ordered `order`. */
  readonly personalised: boolean;
}

export interface InPlaceScoring {
  readonly rowOf: ReadonlyMap<ItemId, number>;
  /** The shopper's interest in a row, or null while they have none (the shop's order stands). */
  readonly interestIn: ((row: number) => number) | null;
  readonly reasonFor: (row: number) => Reason | null;
}

/**
 * @param ids the shop's list, in the shop's order (repeats count once, at their first place).
 * @param scoring the model's rows and the shopper's interest.
 */
export function orderInPlace(ids: readonly ItemId[], scoring: InPlaceScoring): InPlaceOrder {
  const known: { readonly id: ItemId; readonly row: number; readonly score: number; readonly place: number }[] = [];
  const unknown: ItemId[] = [];
  const seen = new Set<ItemId>();
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const row = scoring.rowOf.get(id);
    if (row === undefined) unknown.push(id);
    else known.push({ id, row, score: scoring.interestIn?.(row) ?? 0, place: known.length });
  }
  const { interestIn } = scoring;
  if (interestIn !== null) known.sort((a, b) => b.score - a.score || a.place - b.place);
  return {
    order: known.map(({ id }) => id),
    reasons: new Map(known.map(({ id, row }) => [id, interestIn === null ? null : scoring.reasonFor(row)])),
    unknown,
    personalised: interestIn !== null,
  };
}
