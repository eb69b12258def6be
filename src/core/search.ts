/**
 * Hybrid search: the query is answered first, then personalised. Two retrievers find the matches:
 * the lexical index (the shopper's words in titles, categories and descriptions, with prefixes and
 * typos; its own floor keeps only rows that hold enough of the query's words) and the semantic side
 * (the query embedded on the device, projected into the item space, compared by cosine).
 *
 * The semantic side ranks two kinds of rows: every row the words matched (it re-orders them by
 * meaning, whatever their cosine), and rows the words missed whose cosine reaches the model's
 * semantic floor (the highest cosine random-character strings reach, calibrated by the builder), so
 * it adds only matches that are confident on their own. Weighted reciprocal rank fusion joins the
 * two rankings without calibrating their scores against each other. How much the meaning weighs
 * depends on how well the words did (`semanticWeightFor`): when some row holds every product word of
 * the query, the words' order stands (the meaning only breaks near-ties, MIN_SEMANTIC_WEIGHT); the
 * fewer of its words any row holds, the more the meaning counts, up to an equal say.
 *
 * The shopper's interest then re-orders within the matches (`personaliseWithin`): it adds a bounded
 * amount to each match's relevance, so it decides between matches of similar relevance and never
 * lifts a weak match over a strong one by much, nor brings in an item that does not match. The
 * matches holding every product word of the query stay above the others (`wholeQueryTier`).
 */
import type { CatalogItem } from './catalog.ts';
import { RecError } from './errors.ts';
import { MAX_QUERY_LENGTH } from './interactions.ts';
import { asMatrix, type ItemRows } from './item-matrix.ts';
import type { LoadedModel } from './model.ts';
import type { LexicalHit, LexicalIndex, SearchSuggestion } from './ports.ts';
import { rowSimilarity } from './rank.ts';
import { createPagedSemanticScan } from './paged-semantic-scan.ts';
import { isPagedMatrix } from './paged-matrix.ts';
import { createSemanticScan, RETRIEVER_LIMIT, semanticRanking, type SemanticHit, type SemanticScan } from './semantic-scan.ts';

/** The constant of reciprocal rank fusion (Cormack et al., 2009): damps the weight of the very first ranks. */
export const RRF_K = 60;

/**
 * The semantic ranking's weight in the fusion when the words cover the whole query (the lexical
 * ranking's weight is 1), chosen on validation queries, never on the reported sets: known-item
 * queries of seed 777 (the reported ones use another) on the demo and Amazon Toys, uint8 encoder,
 * hybrid MRR@10 0.8836 / 0.8563 at 0, 0.8825 / 0.8288 at 0.1, 0.8629 / 0.7970 at 0.25.
 */
export const MIN_SEMANTIC_WEIGHT = 0;

/** How much the shopper's interest (a cosine in [-1, 1]) may add to a relevance normalised to [0, 1]. */
export const PERSONAL_WEIGHT = 0.25;

/** Used when a model folder predates the builder's calibrated floor. */
export const DEFAULT_SEMANTIC_FLOOR = 0.5;

/** How many nearest items (by meaning, floor or not) vote for the categories a no-results state suggests. */
const SUGGESTION_NEIGHBOURS = 30;
const SUGGESTED_CATEGORIES = 3;

/** Which retrievers answer: both (the storefront) or one (the evaluation compares them). */
export type SearchMethod = 'hybrid' | 'lexical' | 'semantic';

/** One matching item: its fused relevance and where each retriever ranked it (0-based; null when it did not find it). */
export interface SearchMatch {
  readonly row: number;
  readonly relevance: number;
  /** The share of the query's product words the row holds (0 when the words did not find it). */
  readonly coverage: number;
  readonly lexicalRank: number | null;
  readonly semanticRank: number | null;
}

/** What a query matched, most relevant first. */
export interface SearchMatches {
  /** The query as searched: trimmed, whitespace collapsed, capped at MAX_QUERY_LENGTH. */
  readonly query: string;
  readonly matches: readonly SearchMatch[];
  /** Category names to offer when nothing matched (the categories nearest the query in meaning). */
  readonly suggestions: readonly string[];
  /** False when the query could not be embedded (the encoder failed to load): lexical matches only. */
  readonly semantic: boolean;
}

/**
 * @param query what the shopper typed.
 * @returns it trimmed, with runs of whitespace as one space, at most MAX_QUERY_LENGTH characters.
 */
export function normaliseQuery(query: string): string {
  return query.replace(/\s+/gu, ' ').trim().slice(0, MAX_QUERY_LENGTH).trim();
}

/**
 * Weighted reciprocal rank fusion: relevance = sum over the retrievers that ranked an item of
 * weight / (RRF_K + rank + 1), the lexical ranking's weight 1. Rows the words score exactly alike
 * share one lexical rank and are ordered by meaning, also at weight 0 (chosen on validation:
 * known-item queries of seed 777, uint8 encoder, hybrid vs lexical nDCG@10 on the demo, Amazon
 * Beauty, Amazon Toys and Online Retail: 0.9085 / 0.9080, 0.9184 / 0.9117, 0.8853 / 0.8809,
 * 0.9307 / 0.9238; ordering ties by row instead gave hybrid 0.9076, 0.9124, 0.8790, 0.9253).
 * @param lexical the lexical hits, best first.
 * @param semantic the semantic hits, best first.
 * @param semanticWeight the semantic ranking's weight.
 * @returns every item either found, most relevant first; ties (rows the words score alike, with the
 *   meaning's weight 0) in the semantic ranking's order, then lower row first.
 */
export function fuseByReciprocalRank(lexical: readonly LexicalHit[], semantic: readonly SemanticHit[], semanticWeight: number): SearchMatch[] {
  const byRow = new Map<number, { relevance: number; coverage: number; lexicalRank: number | null; semanticRank: number | null }>();
  const entry = (row: number) => {
    let found = byRow.get(row);
    if (found === undefined) {
      found = { relevance: 0, coverage: 0, lexicalRank: null, semanticRank: null };
      byRow.set(row, found);
    }
    return found;
  };
  // Equal lexical scores share the better rank, so the words alone never order rows they cannot tell apart.
  let tiedRank = 0;
  lexical.forEach(({ row, score, coverage }, rank) => {
    if (rank > 0 && score !== lexical[rank - 1]?.score) tiedRank = rank;
    const found = entry(row);
    if (found.lexicalRank !== null) return;
    found.lexicalRank = tiedRank;
    found.coverage = coverage;
    found.relevance += 1 / (RRF_K + tiedRank + 1);
  });
  semantic.forEach(({ row }, rank) => {
    const found = entry(row);
    if (found.semanticRank !== null) return;
    found.semanticRank = rank;
    found.relevance += semanticWeight / (RRF_K + rank + 1);
  });
  const semanticOrder = (match: SearchMatch): number => match.semanticRank ?? Number.MAX_SAFE_INTEGER;
  return [...byRow]
    .map(([row, found]) => ({ row, ...found }))
    .sort((a, b) => b.relevance - a.relevance || semanticOrder(a) - semanticOrder(b) || a.row - b.row);
}

/**
 * Re-orders matches by relevance (normalised to the best match's) plus PERSONAL_WEIGHT times the
 * shopper's interest in each (a search's matches, or the items like a given one: placements.ts).
 * @param matches most relevant first.
 * @param interestIn the cosine of the shopper's interest with a row, in [-1, 1]; null when the shopper has none yet.
 * @param tierOf when given, a match of a higher tier stays above every match of a lower one and the
 *   interest decides within a tier (a search: the matches holding every word of the query first).
 * @returns the same matches in the personalised order (unchanged without an interest).
 */
export function personaliseWithin<T extends { readonly row: number; readonly relevance: number }>(
  matches: readonly T[],
  interestIn: ((row: number) => number) | null,
  tierOf: (match: T) => number = () => 0,
): T[] {
  const best = matches[0]?.relevance ?? 0;
  if (interestIn === null || best <= 0) return [...matches];
  const scored = matches.map((match) => ({ match, tier: tierOf(match), score: match.relevance / best + PERSONAL_WEIGHT * interestIn(match.row) }));
  return scored.sort((a, b) => b.tier - a.tier || b.score - a.score || a.match.row - b.match.row).map(({ match }) => match);
}

/**
 * A search match's tier for personaliseWithin: 1 when it holds every product word of the query.
 * Reciprocal rank fusion leaves the first rank 1/61 of relevance against 1/62 for the second, so
 * without tiers the interest's nudge (up to PERSONAL_WEIGHT) moved matches of three words of four
 * over the one that held all four, an exact title and SKU out of the first grid (the bench's million).
 */
export const wholeQueryTier = (match: SearchMatch): number => (match.coverage === 1 ? 1 : 0);

/**
 * @param interest the shopper's interest vector (any length but zero).
 * @param vectors the item matrix the interest lives in.
 * @param dim its dimension.
 * @returns the cosine of the interest with a row (0 for a zero interest or row).
 */
export function interestCosine(interest: Float32Array, vectors: ItemRows, dim: number): (row: number) => number {
  const matrix = asMatrix(vectors, dim);
  let interestNorm = 0;
  for (const v of interest) interestNorm += v * v;
  interestNorm = Math.sqrt(interestNorm);
  return (row) => {
    const dot = matrix.dot(row, interest);
    const norm = rowSimilarity(matrix, dim, row, row);
    return interestNorm === 0 || norm === 0 ? 0 : dot / (interestNorm * Math.sqrt(norm));
  };
}

/**
 * @param items the catalogue.
 * @param nearest rows nearest the query in meaning, best first (whatever their cosine).
 * @returns up to SUGGESTED_CATEGORIES non-empty category names, most represented first.
 */
export function nearestCategories(items: readonly CatalogItem[], nearest: readonly SemanticHit[]): string[] {
  const votes = new Map<string, number>();
  for (const { row } of nearest.slice(0, SUGGESTION_NEIGHBOURS)) {
    const category = items[row]?.category ?? '';
    if (category !== '') votes.set(category, (votes.get(category) ?? 0) + 1);
  }
  return [...votes]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, SUGGESTED_CATEGORIES)
    .map(([category]) => category);
}

/**
 * @param lexical the lexical hits, each with the share of the query's product words it holds.
 * @param minWeight the weight when some row holds them all.
 * @returns 1 - the best share, at least minWeight: the less the words explain the query, the more its meaning counts.
 */
export function semanticWeightFor(lexical: readonly LexicalHit[], minWeight: number): number {
  const best = lexical.reduce((most, hit) => Math.max(most, hit.coverage), 0);
  return Math.max(minWeight, 1 - best);
}

export interface SearcherDeps {
  readonly model: LoadedModel;
  /** Builds or loads the lexical index; called once, on the first need. */
  readonly loadLexicalIndex: () => Promise<LexicalIndex>;
  /**
   * Embeds a query into the item space.
   * @throws RecError ENCODER_UNAVAILABLE when the encoder cannot be loaded.
   */
  readonly embedQuery: (query: string) => Promise<Float32Array>;
  /** The semantic weight when the words cover the query (default MIN_SEMANTIC_WEIGHT; the evaluation tries others on validation queries). */
  readonly minSemanticWeight?: number;
}

export interface Searcher {
  /**
   * @param query the shopper's words (normalised with normaliseQuery).
   * @param method which retrievers answer (default hybrid).
   * @returns the matches, most relevant first (not personalised).
   */
  find(query: string, method?: SearchMethod): Promise<SearchMatches>;
  /** Completions of a partial query from the lexical index. */
  suggest(partial: string, limit: number): Promise<readonly SearchSuggestion[]>;
  /** Starts loading what a search needs (the index, the encoder), e.g. when the search box gets focus. */
  prepare(): Promise<void>;
}

/** @param deps the model, the lexical index's loader and the query embedder. */
export function createSearcher(deps: SearcherDeps): Searcher {
  const { model } = deps;
  const floor = model.manifest.search?.semanticFloor ?? DEFAULT_SEMANTIC_FLOOR;
  // Made on the first query with a vector: its norms are a pass over every row (at 1M items a
  // second or so on the main thread), which a visit that never searches need not pay.
  let scan: SemanticScan | null = null;
  const pagedScan = isPagedMatrix(model.matrix) && model.paged ? createPagedSemanticScan(model.paged) : null;
  /** The scan for a query: a paged model's reads its codes (paged-semantic-scan.ts). */
  const scanFor = (vector: Float32Array): SemanticScan =>
    pagedScan === null ? (scan ??= createSemanticScan(model.matrix, model.manifest.dim)) : pagedScan(vector, RETRIEVER_LIMIT);
  let index: Promise<LexicalIndex> | null = null;
  const lexicalIndex = (): Promise<LexicalIndex> => {
    index ??= deps.loadLexicalIndex().catch((error: unknown) => {
      index = null;
      throw error;
    });
    return index;
  };

  const embed = async (query: string): Promise<Float32Array | null> => {
    try {
      return await deps.embedQuery(query);
    } catch (error) {
      // Without the encoder the words still find their matches; anything else is a bug.
      if (error instanceof RecError && error.code === 'ENCODER_UNAVAILABLE') return null;
      throw error;
    }
  };

  return {
    async find(rawQuery, method = 'hybrid') {
      const query = normaliseQuery(rawQuery);
      if (query === '') return { query, matches: [], suggestions: [], semantic: method !== 'lexical' };
      const [lexical, vector] = await Promise.all([
        method === 'semantic' ? [] : lexicalIndex().then((found) => found.search(query, RETRIEVER_LIMIT)),
        method === 'lexical' ? null : embed(query),
      ]);
      const scanned = vector === null ? null : { vector, scan: scanFor(vector) };
      const semantic = scanned === null ? [] : semanticRanking(scanned.scan, scanned.vector, floor, lexical);
      const matches = fuseByReciprocalRank(lexical, semantic, semanticWeightFor(lexical, deps.minSemanticWeight ?? MIN_SEMANTIC_WEIGHT));
      const suggestions =
        matches.length === 0 && scanned !== null ? nearestCategories(model.items, scanned.scan.above(scanned.vector, -1, SUGGESTION_NEIGHBOURS)) : [];
      return { query, matches, suggestions, semantic: vector !== null };
    },
    async suggest(partial, limit) {
      const query = normaliseQuery(partial);
      return query === '' ? [] : await (await lexicalIndex()).suggest(query, limit);
    },
    async prepare() {
      await lexicalIndex();
    },
  };
}
