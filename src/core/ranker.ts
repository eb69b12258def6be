/**
 * The ranker: the grid for a state. The ItemSpace scores every available item against the interest
 * and returns the best candidates and their similarities; list-quality.ts arranges them under the
 * shop's rules (pins, boosts, diversity, variants, first-row cap, exploration); explain.ts gives
 * each card its reason.
 *
 * Which interest scores the grid: the decay rule's vector (state.vector) unless the model has a
 * trained sequence model and the shopper has items in their sequence: then the sequence model's
 * interest of the latest items. A search hands the grid back to the decay vector, which holds the
 * query, until the next item interaction. Both are passed to the space as they are; nothing is
 * swapped in or out.
 *
 * It keeps what exploration needs across grids: the rows this session has shown (exploration
 * offers only others) and the number of interactions (exploration shrinks as they grow). And when
 * this session began: the items the shopper interacted with since (the state's recent ones) and
 * those in the cart stay out of the first row of "For you", which shows them something new.
 */
import type { CatalogItem } from './catalog.ts';
import { RecError } from './errors.ts';
import { toScore } from './ids.ts';
import type { ItemRows } from './item-matrix.ts';
import { arrangeGrid, explorationSlots, type ArrangedSource } from './list-quality.ts';
import type { LiveCatalog } from './live-catalog.ts';
import type { LoadedModel } from './model.ts';
import type { ItemSpace, SequenceEncoder } from './ports.ts';
import { seededRandom } from './random.ts';
import type { InterestModel, Ranking, Reason, UnshownRanking } from './recommender-types.ts';
import { explainRow } from './explain.ts';
import { isPagedMatrix, loadVectorRows } from './paged-matrix.ts';
import { codeCosine } from './product-quantiser.ts';
import { latestItemRows, withNeighbours } from './neighbours.ts';
import { interestCosine, personaliseWithin, wholeQueryTier, type SearchMatches } from './search.ts';
import { unavailableRows } from './availability.ts';
import { onePerGroup } from './catalog.ts';
import type { InterestState } from './state.ts';

/**
 * How many grids' worth of the candidates below a grid `upcoming` gives. Measured on the bench's
 * 100,000-item catalogue written in card shards of 64 rows, ten clicks each: with one grid's worth
 * fetched ahead a click still fetched 1-15 of its grid's shards (half of them 9 or more), with three
 * 0-6 (half 4 or fewer), for about 26 shard requests a click in all (183 to 439 over the ten).
 */
const UPCOMING_GRIDS = 3;

export interface RankerOptions {
  readonly model: LoadedModel;
  /** The catalogue with the host's stock and price changes (the model's rows). */
  readonly catalog: LiveCatalog;
  readonly space: ItemSpace;
  readonly sequenceEncoder: SequenceEncoder | undefined;
  /** The item matrix the space holds (the model's, or a sequence model's trained table): the interest's space. */
  readonly spaceVectors: ItemRows;
  readonly backendReason: string | undefined;
  readonly gridSize: number;
  readonly explorationSeed: number;
  /** Wall clock (epoch ms): consumables become available again after their interval. */
  readonly now: () => number;
  /** Monotonic clock (ms), for `tookMs`. */
  readonly monotonic: () => number;
}

export interface Ranker {
  /**
   * The grid for `basis`; it changes nothing the ranker keeps (`show` makes it the grid, and its
   * candidates below the grid the `upcoming` ones).
   * @param basis the state to rank for.
   * @param queryVector the session's last query in the item space, for the cards' reasons.
   */
  rank(basis: InterestState, queryVector: Float32Array | null): Promise<UnshownRanking>;
  /**
   * The grid of a search: its available matches (one per variant group), the shopper's interest
   * re-ordering within them.
   * @param basis the state to rank for.
   * @param found the query's matches (search.ts), most relevant first.
   */
  rankSearch(basis: InterestState, found: SearchMatches): Promise<UnshownRanking>;
  /**
   * Makes a ranking the grid: its rows count as shown.
   * @param startedAt when the interaction began (monotonic), for `tookMs`.
   */
  show(ranking: UnshownRanking, startedAt: number): Ranking;
  /**
   * The rows ranked just below the grid on show (its candidates that are not on it), best first,
   * UPCOMING_GRIDS grids' worth: the likeliest cards of the next grid, which a sharded catalogue
   * fetches ahead. None below a search's grid.
   */
  upcoming(): readonly number[];
  /** Fetches what the space reads ahead for the next ranking (ItemSpace.readAhead); null when the space has nothing to read ahead. */
  readonly readAhead: (() => Promise<void>) | null;
  /**
   * The interest that scores the grid for `basis` (the sequence model's or the decay vector), in
   * the space's item matrix, and which model it comes from.
   */
  interestOf(basis: InterestState): Promise<{ readonly interest: Float32Array; readonly interestModel: InterestModel }>;
  /** More interactions in this session (exploration shrinks). */
  countInteractions(count: number): void;
  /** Back to a new session's exploration (after an erase). */
  reset(): void;
}

/** @param options the model, the space, the sequence model, the grid's size and the clocks. */
export function createRanker(options: RankerOptions): Ranker {
  const { model, space, sequenceEncoder, gridSize } = options;
  let shown = new Set<number>();
  let interactions = 0;
  let sessionStart = options.now();

  /** Rows kept out of the first row: in the cart, or interacted with in this session. */
  const demotedRows = (basis: InterestState): Set<number> => {
    const ids = [...basis.cart, ...basis.recent.filter(({ time }) => time >= sessionStart).map(({ item }) => item)];
    return new Set(ids.flatMap((id) => model.rowOf.get(id) ?? []));
  };

  /**
   * The sequence model's interest of the shopper's latest items (those still in the catalogue), or
   * null when the decay vector scores the grid: no sequence model, no item yet, or a search since
   * the latest item interaction (the grid follows the query until the shopper picks an item).
   */
  const sequenceInterest = async (basis: InterestState): Promise<Float32Array | null> => {
    if (sequenceEncoder === undefined) return null;
    const latestItemTime = basis.recent[0]?.time ?? Number.NEGATIVE_INFINITY;
    if (basis.lastQuery !== null && basis.lastQuery.time > latestItemTime) return null;
    const rows = basis.sequence.flatMap((id) => {
      const row = model.rowOf.get(id);
      return row === undefined ? [] : [row];
    });
    return rows.length === 0 ? null : sequenceEncoder.interest(rows.slice(-sequenceEncoder.maxLength));
  };

  const recentRows = (basis: InterestState): number[] => basis.recent.flatMap(({ item }) => model.rowOf.get(item) ?? []);

  const reasonFor = (row: number, source: ArrangedSource, basis: InterestState, isPersonal: boolean, queryVector: Float32Array | null): Reason | null => {
    if (source === 'pinned' || source === 'explore') return { kind: source };
    return isPersonal ? explainRow(model, row, basis, queryVector) : { kind: 'popular' };
  };

  /** The interest that scores a grid for `basis` and which model it comes from. */
  const interestOf = async (basis: InterestState): Promise<{ interest: Float32Array; interestModel: InterestModel }> => {
    const sequence = await sequenceInterest(basis);
    const interestModel: InterestModel = sequence === null ? 'decay' : 'sequence';
    const interest = sequence ?? basis.vector;
    checkFinite(interest, `the ${interestModel} interest`);
    return { interest, interestModel };
  };

  const common = (basis: InterestState, interestModel: InterestModel) => ({
    backend: space.backend,
    ...(options.backendReason === undefined ? {} : { backendReason: options.backendReason }),
    interestModel,
    eventCount: basis.eventCount,
    actionCount: basis.actionCount,
    personalised: basis.vector.some((v) => v !== 0),
  });

  // Each ranking's candidates below its grid, by ranking, for `upcoming` once it is shown.
  const candidatesOf = new WeakMap<UnshownRanking, readonly number[]>();
  let upcoming: readonly number[] = [];

  return {
    interestOf,
    async rankSearch(basis, found) {
      const { interest, interestModel } = await interestOf(basis);
      // The matches a shopper can buy, one per variant group (its most relevant variant), as the grid shows one variant of a product.
      const outOfStock = options.catalog.outOfStock();
      const items = options.catalog.items();
      const available = onePerGroup(
        found.matches.filter(({ row }) => !outOfStock.has(row)),
        items,
      );
      const facts = common(basis, interestModel);
      const ordered = personaliseWithin(
        available,
        facts.personalised ? await interestInMatches(model, options.spaceVectors, interest, available) : null,
        wholeQueryTier,
      );
      const reason: Reason = { kind: 'search', query: found.query };
      const entries = ordered.slice(0, gridSize).map(({ row, relevance }, position) => ({
        item: items[row] as CatalogItem,
        row,
        position,
        score: toScore(relevance),
        reason,
      }));
      const search = { query: found.query, resultCount: available.length, suggestions: found.suggestions, semantic: found.semantic };
      return { mode: 'search', search, items: entries, ...facts };
    },
    async rank(basis, queryVector) {
      const { interest, interestModel } = await interestOf(basis);
      const { rules } = model;
      const items = options.catalog.items();
      const latest = interestModel === 'decay' ? latestItemRows(basis, model.rowOf) : [];
      const ranking =
        model.neighbours === undefined || model.neighbours === null || latest.length === 0 ? space : withNeighbours(space, model.neighbours, latest);
      const { grid, candidates } = await arrangeGrid(ranking, interest, {
        size: gridSize,
        excluded: unavailableRows(options.catalog.outOfStock(), items, rules, basis.purchased, model.rowOf, options.now()),
        items,
        rules,
        explorationSlots: explorationSlots(gridSize, interactions, rules.exploration),
        shown,
        demoted: demotedRows(basis),
        random: seededRandom((options.explorationSeed ^ Math.imul(interactions + 1, 0x9e3779b1)) >>> 0),
      });
      checkFinite(candidates.scores, "the item space's scores");
      const facts = common(basis, interestModel);
      const isPersonal = facts.personalised;
      // The reasons compare each card's vector with the shopper's recent items'.
      if (isPersonal) await loadVectorRows(model.matrix, [...grid.map(({ row }) => row), ...recentRows(basis)]);
      const entries = grid.map(({ row, score, source }, position) => ({
        item: items[row] as CatalogItem,
        row,
        position,
        score: toScore(score),
        reason: reasonFor(row, source, basis, isPersonal, queryVector),
      }));
      const ranked: UnshownRanking = { mode: 'for-you', search: null, items: entries, ...facts };
      const onGrid = new Set(grid.map(({ row }) => row));
      candidatesOf.set(ranked, candidates.rows.filter((row) => !onGrid.has(row)).slice(0, UPCOMING_GRIDS * gridSize));
      return ranked;
    },
    show(ranking, startedAt) {
      for (const { row } of ranking.items) shown.add(row);
      upcoming = candidatesOf.get(ranking) ?? [];
      return { ...ranking, tookMs: options.monotonic() - startedAt };
    },
    upcoming: () => upcoming,
    readAhead: space.readAhead === undefined ? null : () => space.readAhead?.() ?? Promise.resolve(),
    countInteractions(count) {
      interactions += count;
    },
    reset() {
      shown = new Set();
      interactions = 0;
      sessionStart = options.now();
    },
  };
}

/**
 * A NaN or infinite score compares false with everything, so no candidate would be picked and the
 * grid would be empty, which the storefront shows as "you have bought everything": a bug must fail
 * loudly instead.
 * @param values an interest vector or the candidates' scores.
 * @param what what they are, for the message.
 * @throws RecError INTERNAL naming the index and the value.
 */
function checkFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined || !Number.isFinite(v)) throw new RecError('INTERNAL', `${what} has ${v} at index ${i}, expected finite numbers`);
  }
}

/**
 * The shopper's interest in each of a search's matches. A paged model's are read from the codes
 * (codeCosine): a common word matches a thousand rows in as many pages, which a bounded nudge to
 * the order is not worth fetching.
 */
async function interestInMatches(
  model: LoadedModel,
  spaceVectors: ItemRows,
  interest: Float32Array,
  matches: readonly { row: number }[],
): Promise<(row: number) => number> {
  const { paged } = model;
  if (paged !== null && paged !== undefined && !(spaceVectors instanceof Float32Array) && isPagedMatrix(spaceVectors))
    return codeCosine(paged.quantiser, paged.codes, interest);
  await loadVectorRows(
    spaceVectors,
    matches.map(({ row }) => row),
  );
  return interestCosine(interest, spaceVectors, model.manifest.dim);
}
