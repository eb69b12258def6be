/**
 * Turns the best-scored candidates into the grid the shopper sees: shop pins hold their positions,
 * boosts shift relevance, maximal marginal relevance (MMR) trades relevance for variety, variants of
 * one product never appear twice, the first row holds at most `maxPerCategory` cards of a category
 * and none of the items the shopper has just seen or put in the cart (they rank lower: the first
 * row is the grid's prime space, and it shows what is new to them), and a seeded, shrinking share of
 * slots goes to relevant items the shopper has not been shown yet.
 *
 * Pure: the candidates' scores and their pairwise similarities come from the ItemSpace
 * (`topK`, `similarities`), so the heavy math stays on the backend and this only chooses.
 */
import type { CatalogItem } from './catalog.ts';
import type { ItemSpace } from './ports.ts';
import { boostOf, firstRowSizeOf, type ShopRules } from './shop-rules.ts';
import type { RankedRows } from './rank.ts';

/** Why an entry is where it is. */
export type ArrangedSource = 'ranked' | 'pinned' | 'explore';

export interface ArrangedEntry {
  readonly row: number;
  /** The space's score (before boosts); 0 for a pinned item that was not among the candidates. */
  readonly score: number;
  readonly source: ArrangedSource;
}

export interface ArrangeInput {
  /** How many cards the grid shows. */
  readonly size: number;
  /**
   * Candidate rows, best-scored first, none unavailable. Rows of item pins that were not scored
   * among the best are appended by the caller (with score 0) so their similarities are known.
   */
  readonly candidates: RankedRows;
  /** candidates.rows.length² cosines, row-major, in the order of `candidates.rows`. */
  readonly similarity: Float32Array;
  /** The catalogue, by row. */
  readonly items: readonly CatalogItem[];
  readonly rules: ShopRules;
  /** How many slots go to exploration (see explorationSlots). */
  readonly explorationSlots: number;
  /** Rows the shopper has already been shown: never picked for exploration. */
  readonly shown: ReadonlySet<number>;
  /**
   * Rows kept out of the first row (firstRowSizeOf the rules), e.g. what the shopper viewed in this
   * session or has in the cart; they may take any later position. An item pin still holds its
   * position (the shop placed it). Default: none.
   */
  readonly demoted?: ReadonlySet<number>;
  /** Uniform numbers in [0, 1), e.g. core's seededRandom: where the exploration slots go and what fills them. */
  readonly random: () => number;
}

/**
 * Exploration picks come from the candidates ranked just below the grid: this many grids' worth
 * of them, so they are still relevant to the shopper, not random catalogue items.
 */
const EXPLORATION_POOL_GRIDS = 3;

/**
 * @param size the grid size.
 * @param interactions how many interactions the shopper has made in this session.
 * @param settings the shop's exploration settings.
 * @returns how many slots go to exploration: size * share * h / (h + interactions), rounded.
 */
export function explorationSlots(size: number, interactions: number, settings: ShopRules['exploration']): number {
  return Math.round((size * settings.share * settings.halfLife) / (settings.halfLife + Math.max(0, interactions)));
}

/**
 * Arranges the grid. Positions are filled in order: pins first (an item pin, or the best candidate
 * of a pinned category), then the exploration slots are drawn (never in the first row), then every
 * other position takes the candidate with the highest MMR value among those allowed there, and
 * finally the exploration slots take seeded picks among the relevant candidates not yet shown. A
 * position nothing may fill (every candidate is a variant of a card already placed) stays empty and
 * the grid is shorter.
 * @param input candidates, similarities, rules and the exploration draw.
 * @returns the grid, position by position.
 */
export function arrangeList(input: ArrangeInput): ArrangedEntry[] {
  const { size, candidates, similarity, items, rules } = input;
  const count = candidates.rows.length;
  const { lambda, variantSimilarity } = rules.diversity;
  const itemOf = (i: number): CatalogItem => items[candidates.rows[i] ?? 0] as CatalogItem;
  const relevance = candidates.rows.map((row, i) => (candidates.scores[i] ?? 0) + boostOf(rules, items[row] as CatalogItem, row));
  const sim = (a: number, b: number): number => similarity[a * count + b] ?? 0;
  const placed: (number | null)[] = new Array<number | null>(size).fill(null);
  const sources: ArrangedSource[] = new Array<ArrangedSource>(size).fill('ranked');
  const taken = new Array<boolean>(count).fill(false);
  const chosen: number[] = [];
  /** Per candidate, its highest similarity to a chosen one (the MMR penalty). */
  const closest = new Float32Array(count).fill(Number.NEGATIVE_INFINITY);
  const firstRowSize = Math.min(size, rules.firstRow?.size ?? 0);
  const firstRowCategories = new Map<string, number>();
  const primeSize = Math.min(size, firstRowSizeOf(rules));
  const demoted = input.demoted ?? new Set<number>();
  const keptOut = (i: number, position: number): boolean => position < primeSize && demoted.has(candidates.rows[i] ?? -1);

  /** Per candidate, whether it is a variant of a chosen one (its group, or at least variantSimilarity): kept as each is placed, as the checks run per candidate per position. */
  const variantOfChosen = new Array<boolean>(count).fill(false);
  const isVariantOfChosen = (i: number): boolean => variantOfChosen[i] === true;
  const place = (i: number, position: number, source: ArrangedSource): void => {
    placed[position] = i;
    sources[position] = source;
    taken[i] = true;
    chosen.push(i);
    const group = itemOf(i).group;
    for (let c = 0; c < count; c++) {
      const similarity = sim(c, i);
      closest[c] = Math.max(closest[c] ?? 0, similarity);
      if ((group !== null && itemOf(c).group === group) || (variantSimilarity !== null && similarity >= variantSimilarity)) variantOfChosen[c] = true;
    }
    if (position < firstRowSize) {
      const category = itemOf(i).category;
      firstRowCategories.set(category, (firstRowCategories.get(category) ?? 0) + 1);
    }
  };
  const categoryFull = (i: number, position: number): boolean =>
    position < firstRowSize && (firstRowCategories.get(itemOf(i).category) ?? 0) >= (rules.firstRow?.maxPerCategory ?? Number.POSITIVE_INFINITY);
  /** The best allowed candidate by `value`, or -1. */
  const best = (allowed: (i: number) => boolean, value: (i: number) => number): number => {
    let found = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < count; i++) {
      if (taken[i] === true || !allowed(i) || isVariantOfChosen(i)) continue;
      const v = value(i);
      if (v > bestValue) {
        bestValue = v;
        found = i;
      }
    }
    return found;
  };
  const byRelevance = (i: number): number => relevance[i] ?? 0;
  const byMarginalRelevance = (i: number): number => lambda * (relevance[i] ?? 0) - (1 - lambda) * (chosen.length === 0 ? 0 : (closest[i] ?? 0));

  /** A category pin's item: its category's best, one the shopper has not just seen when there is one. */
  const bestOfCategory = (category: string, position: number): number => {
    const index = best((i) => itemOf(i).category === category && !keptOut(i, position), byRelevance);
    return index >= 0 ? index : best((i) => itemOf(i).category === category, byRelevance);
  };
  for (const pin of rules.pins) {
    if (pin.position >= size) continue;
    const { target } = pin;
    const index = target.kind === 'item' ? candidates.rows.indexOf(target.row) : bestOfCategory(target.category, pin.position);
    // An unavailable pinned item (out of stock, bought) is not among the candidates: its slot is ranked as usual.
    if (index < 0 || taken[index] === true) continue;
    place(index, pin.position, 'pinned');
  }

  const free = placed.flatMap((entry, position) => (entry === null && position >= firstRowSize ? [position] : []));
  const exploring = new Set<number>();
  for (let n = Math.min(input.explorationSlots, free.length); n > 0; n--) {
    const [position] = free.splice(Math.floor(input.random() * free.length), 1);
    if (position !== undefined) exploring.add(position);
  }

  const fillRanked = (position: number): void => {
    // The first row's rules give way only when nothing else could fill the position: the shop's
    // category cap first, keeping what the shopper has just seen out of the first row last.
    let index = best((i) => !categoryFull(i, position) && !keptOut(i, position), byMarginalRelevance);
    if (index < 0) index = best((i) => !keptOut(i, position), byMarginalRelevance);
    if (index < 0) index = best(() => true, byMarginalRelevance);
    if (index >= 0) place(index, position, 'ranked');
  };
  for (let position = 0; position < size; position++) {
    if (placed[position] === null && !exploring.has(position)) fillRanked(position);
  }

  const poolSize = EXPLORATION_POOL_GRIDS * size;
  for (const position of [...exploring].sort((a, b) => a - b)) {
    const pool: number[] = [];
    for (let i = 0; i < count && pool.length < poolSize; i++) {
      if (taken[i] !== true && !input.shown.has(candidates.rows[i] ?? -1) && !isVariantOfChosen(i)) pool.push(i);
    }
    const pick = pool[Math.floor(input.random() * pool.length)];
    if (pick === undefined) fillRanked(position);
    else place(pick, position, 'explore');
  }

  return placed.flatMap((i, position) =>
    i === null ? [] : [{ row: candidates.rows[i] ?? 0, score: candidates.scores[i] ?? 0, source: sources[position] ?? 'ranked' }],
  );
}

/** What arrangeGrid needs besides the space: arrangeList's input without the candidates. */
export interface GridRequest extends Omit<ArrangeInput, 'candidates' | 'similarity'> {
  /** Rows never to show (out of stock, bought, masked). */
  readonly excluded: ReadonlySet<number>;
  /** At least this many candidates (beside the rules' `diversity.candidates`), e.g. a ranking's depth. */
  readonly depth?: number;
}

/**
 * Scores in the item space and arranges: the best candidates not excluded (plus pinned items that
 * scored below them, so they still hold their slots), their similarities, then arrangeList.
 * @param space the item space.
 * @param interest the shopper's interest it scores against.
 * @param request the grid's size, the rules and the exploration draw.
 * @returns the grid and the candidates it was arranged from (best-scored first).
 */
export async function arrangeGrid(
  space: Pick<ItemSpace, 'topK' | 'similarities'>,
  interest: Float32Array,
  request: GridRequest,
): Promise<{ grid: ArrangedEntry[]; candidates: RankedRows }> {
  const { rules, excluded } = request;
  const top = await space.topK(interest, Math.max(request.size, request.depth ?? 0, rules.diversity.candidates), excluded);
  const pinnedRows = rules.pins.flatMap(({ target }) =>
    target.kind === 'item' && !excluded.has(target.row) && !top.rows.includes(target.row) ? [target.row] : [],
  );
  const candidates = { rows: [...top.rows, ...pinnedRows], scores: [...top.scores, ...pinnedRows.map(() => 0)] };
  const grid = arrangeList({ ...request, candidates, similarity: await space.similarities(candidates.rows) });
  return { grid, candidates };
}

/**
 * Intra-list diversity: the mean of 1 - cosine over all pairs of a list (0 for fewer than two).
 * @param rows the list's rows.
 * @param similarity the cosine of two rows.
 */
export function intraListDiversity(rows: readonly number[], similarity: (a: number, b: number) => number): number {
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < rows.length; a++) {
    for (let b = a + 1; b < rows.length; b++) {
      sum += 1 - similarity(rows[a] ?? 0, rows[b] ?? 0);
      pairs++;
    }
  }
  return pairs === 0 ? 0 : sum / pairs;
}
