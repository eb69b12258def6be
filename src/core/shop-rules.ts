/**
 * The shop's rules for its grid, kept in the model's catalogue file next to the items
 * (`catalog.json`: `{ "items": [...], "rules": {...} }`), so a shop changes them with its catalogue
 * and the browser verifies them with the same checksum. Every field is optional:
 *
 *   "rules": {
 *     "boost":      [{ "category": "Garden", "by": 0.05 }, { "item": "p0042", "by": 0.1 }],
 *     "pin":        [{ "item": "p0007", "position": 1 }, { "category": "Books", "position": 5 }],
 *     "firstRow":   { "size": 4, "maxPerCategory": 2 },
 *     "repurchase": [{ "category": "Grocery", "afterDays": 14 }],
 *     "diversity":  { "lambda": 0.8, "candidates": 200, "variantSimilarity": 0.97 },
 *     "exploration": { "share": 0.125, "halfLife": 12 }
 *   }
 *
 * Per item, the catalogue says `inStock` (false: never recommended) and `group` (variants); see
 * catalog.ts. Items bought once are durables and are not recommended again, unless a `repurchase`
 * rule names them (or their category) as consumables: then they come back `afterDays` after the
 * latest purchase. This module validates the rules (a RecError CATALOG_INVALID naming the field)
 * and answers the questions the ranking asks of them; list-quality.ts applies them to a list.
 */
import type { CatalogItem } from './catalog.ts';
import {
  DEFAULT_DIVERSITY_CANDIDATES,
  DEFAULT_DIVERSITY_LAMBDA,
  DEFAULT_EXPLORATION_HALF_LIFE,
  DEFAULT_EXPLORATION_SHARE,
  DEFAULT_VARIANT_SIMILARITY,
} from './constants.ts';
import type { ItemId } from './ids.ts';
import { fail, readArray, readNumber, readRecord, readString, type Reader } from './validate.ts';

/** What a rule applies to: one item (by id, resolved to its row) or every item of a category. */
export type RuleTarget = { readonly kind: 'item'; readonly item: ItemId; readonly row: number } | { readonly kind: 'category'; readonly category: string };

export interface Boost {
  readonly target: RuleTarget;
  /** Added to the score (a cosine plus the popularity prior) of each matching item; may be negative. */
  readonly by: number;
}

export interface Pin {
  readonly target: RuleTarget;
  /** 0-based grid position (the cards' `data-position`). A category pin places its best item there. */
  readonly position: number;
}

export interface FirstRowRule {
  /** How many cards the shop's first row holds. */
  readonly size: number;
  /** At most this many of them from one category. */
  readonly maxPerCategory: number;
}

export interface RepurchaseRule {
  readonly target: RuleTarget;
  /** A bought item it matches is recommended again this many days after the latest purchase. */
  readonly afterDays: number;
}

export interface DiversitySettings {
  /**
   * Maximal marginal relevance trade-off: each card maximises `lambda * relevance - (1 - lambda) *
   * (its highest similarity to the cards above)`. 1 ranks by relevance alone.
   */
  readonly lambda: number;
  /** How many of the best-scored items the re-ranking chooses from. */
  readonly candidates: number;
  /** Items without a `group` whose vectors' cosine is at least this, in (0, 1], count as variants; null: groups only. */
  readonly variantSimilarity: number | null;
}

export interface ExplorationSettings {
  /** Share of the grid given, at the start of a session, to relevant items the shopper has not been shown. */
  readonly share: number;
  /** After this many interactions in the session the share has halved (share * h / (h + n)). */
  readonly halfLife: number;
}

export interface ShopRules {
  readonly boosts: readonly Boost[];
  /** Sorted by position, at most one per position. */
  readonly pins: readonly Pin[];
  readonly firstRow: FirstRowRule | null;
  readonly repurchase: readonly RepurchaseRule[];
  readonly diversity: DiversitySettings;
  readonly exploration: ExplorationSettings;
}

/** A rule's target as catalog.json names it: one item by id, or every item of a category. */
export type RuleTargetJson = { readonly item: string } | { readonly category: string };

/**
 * The `rules` object of catalog.json as a builder writes it (see the example above; every field
 * optional). parseShopRules checks it against the catalogue and fills in the defaults.
 */
export interface ShopRulesJson {
  readonly boost?: readonly (RuleTargetJson & { readonly by: number })[];
  readonly pin?: readonly (RuleTargetJson & { readonly position: number })[];
  readonly firstRow?: FirstRowRule;
  readonly repurchase?: readonly (RuleTargetJson & { readonly afterDays: number })[];
  readonly diversity?: Partial<DiversitySettings>;
  readonly exploration?: Partial<ExplorationSettings>;
}

const RULE_NAMES = ['boost', 'pin', 'firstRow', 'repurchase', 'diversity', 'exploration'] as const;

/** The rules of a catalogue that has none: no boosts, pins, caps or consumables; default diversity and exploration. */
export const DEFAULT_SHOP_RULES: ShopRules = {
  boosts: [],
  pins: [],
  firstRow: null,
  repurchase: [],
  diversity: { lambda: DEFAULT_DIVERSITY_LAMBDA, candidates: DEFAULT_DIVERSITY_CANDIDATES, variantSimilarity: DEFAULT_VARIANT_SIMILARITY },
  exploration: { share: DEFAULT_EXPLORATION_SHARE, halfLife: DEFAULT_EXPLORATION_HALF_LIFE },
};

/** The first row's size when the shop's rules do not say (a storefront row of four cards). */
export const DEFAULT_FIRST_ROW_SIZE = 4;

/**
 * @param rules the shop's rules.
 * @returns how many cards the first row holds: the shop's `firstRow.size`, or DEFAULT_FIRST_ROW_SIZE.
 */
export function firstRowSizeOf(rules: ShopRules): number {
  return rules.firstRow?.size ?? DEFAULT_FIRST_ROW_SIZE;
}

/**
 * Validates the `rules` of a parsed catalogue file against its items.
 * @param catalogJson the parsed catalogue file (its root object holds `items` and `rules`).
 * @param items the catalogue's validated items (ids and categories that rules may name).
 * @param file where it came from, for messages.
 * @param rowOf each item's row by id (parseCatalogWithRows's); made from `items` when not given.
 * @returns the rules with defaults filled in (DEFAULT_SHOP_RULES when there are none).
 * @throws RecError CATALOG_INVALID naming the first bad field, e.g. `rules.pin[0].item`.
 */
export function parseShopRules(
  catalogJson: unknown,
  items: readonly CatalogItem[],
  file: string,
  rowOf: ReadonlyMap<string, number> = new Map(items.map((item, row) => [item.id, row])),
): ShopRules {
  const reader: Reader = { code: 'CATALOG_INVALID', file };
  const value = readRecord(reader, catalogJson, '(root)')['rules'];
  if (value === undefined || value === null) return DEFAULT_SHOP_RULES;
  const rules = readRecord(reader, value, 'rules');
  for (const name of Object.keys(rules)) {
    if (!(RULE_NAMES as readonly string[]).includes(name)) fail(reader, `rules.${name}`, `a rule among ${RULE_NAMES.join(', ')}`, name);
  }
  const categories = new Set(items.map((item) => item.category));
  const target = (record: Record<string, unknown>, field: string): RuleTarget => {
    if ((record['item'] === undefined) === (record['category'] === undefined)) fail(reader, field, 'exactly one of "item" or "category"', record);
    if (record['item'] !== undefined) {
      const id = readString(reader, record['item'], `${field}.item`, { nonEmpty: true });
      const row = rowOf.get(id);
      if (row === undefined) fail(reader, `${field}.item`, 'the id of an item in this catalogue', id);
      return { kind: 'item', item: items[row]?.id as ItemId, row };
    }
    const category = readString(reader, record['category'], `${field}.category`, { nonEmpty: true });
    if (!categories.has(category)) fail(reader, `${field}.category`, 'a category of this catalogue', category);
    return { kind: 'category', category };
  };
  const list = <T>(name: string, read: (record: Record<string, unknown>, field: string) => T): T[] =>
    rules[name] === undefined
      ? []
      : readArray(reader, rules[name], `rules.${name}`).map((entry, i) => read(readRecord(reader, entry, `rules.${name}[${i}]`), `rules.${name}[${i}]`));

  const boosts = list('boost', (record, field) => ({
    target: target(record, field),
    by: readNumber(reader, record['by'], `${field}.by`, { min: -1, max: 1 }),
  }));
  const pins = list('pin', (record, field) => ({
    target: target(record, field),
    position: readNumber(reader, record['position'], `${field}.position`, { integer: true, min: 0, max: 199 }),
  }));
  pins.forEach((pin, i) => {
    if (pins.findIndex((other) => other.position === pin.position) !== i)
      fail(reader, `rules.pin[${i}].position`, 'a position no other pin holds', pin.position);
    if (pin.target.kind === 'item') {
      const row = pin.target.row;
      if (pins.findIndex((other) => other.target.kind === 'item' && other.target.row === row) !== i)
        fail(reader, `rules.pin[${i}].item`, 'an item no other pin places', pin.target.item);
    }
  });
  const repurchase = list('repurchase', (record, field) => ({
    target: target(record, field),
    afterDays: readNumber(reader, record['afterDays'], `${field}.afterDays`, { min: 0, max: 3650 }),
  }));

  let firstRow: FirstRowRule | null = null;
  if (rules['firstRow'] !== undefined) {
    const record = readRecord(reader, rules['firstRow'], 'rules.firstRow');
    firstRow = {
      size: readNumber(reader, record['size'], 'rules.firstRow.size', { integer: true, min: 1, max: 200 }),
      maxPerCategory: readNumber(reader, record['maxPerCategory'], 'rules.firstRow.maxPerCategory', { integer: true, min: 1, max: 200 }),
    };
  }
  const defaults = DEFAULT_SHOP_RULES;
  const settings = (name: 'diversity' | 'exploration'): Record<string, unknown> =>
    rules[name] === undefined ? {} : readRecord(reader, rules[name], `rules.${name}`);
  const number = (
    record: Record<string, unknown>,
    key: string,
    fallback: number,
    field: string,
    range: { integer?: boolean; min: number; max: number },
  ): number => (record[key] === undefined ? fallback : readNumber(reader, record[key], field, range));
  const diversity = settings('diversity');
  const exploration = settings('exploration');
  return {
    boosts,
    pins: [...pins].sort((a, b) => a.position - b.position),
    firstRow,
    repurchase,
    diversity: {
      lambda: number(diversity, 'lambda', defaults.diversity.lambda, 'rules.diversity.lambda', { min: 0, max: 1 }),
      candidates: number(diversity, 'candidates', defaults.diversity.candidates, 'rules.diversity.candidates', { integer: true, min: 1, max: 5000 }),
      variantSimilarity:
        diversity['variantSimilarity'] === undefined
          ? defaults.diversity.variantSimilarity
          : diversity['variantSimilarity'] === null
            ? null
            : readVariantSimilarity(reader, diversity['variantSimilarity']),
    },
    exploration: {
      share: number(exploration, 'share', defaults.exploration.share, 'rules.exploration.share', { min: 0, max: 0.5 }),
      halfLife: number(exploration, 'halfLife', defaults.exploration.halfLife, 'rules.exploration.halfLife', { min: 0.001, max: 1e6 }),
    },
  };
}

/**
 * A cosine in (0, 1]: at 0 or below nearly every item counts as a variant of the first card and the
 * grid shrinks to a card or two.
 */
function readVariantSimilarity(reader: Reader, value: unknown): number {
  const field = 'rules.diversity.variantSimilarity';
  const similarity = readNumber(reader, value, field, { min: 0, max: 1 });
  if (similarity <= 0) fail(reader, field, 'a cosine in (0, 1] (at 0 nearly every item counts as a variant of the cards above)', similarity);
  return similarity;
}

/**
 * @param target a rule's target.
 * @param item the item at `row`.
 * @param row its row.
 */
export function matches(target: RuleTarget, item: CatalogItem, row: number): boolean {
  return target.kind === 'item' ? target.row === row : target.category === item.category;
}

/**
 * @param rules the shop's rules.
 * @param item the item at `row`.
 * @param row its row.
 * @returns the sum of the boosts that apply to it (0 when none).
 */
export function boostOf(rules: ShopRules, item: CatalogItem, row: number): number {
  let sum = 0;
  for (const boost of rules.boosts) if (matches(boost.target, item, row)) sum += boost.by;
  return sum;
}
