/**
 * Runs query sets through the storefront's own search (core's createSearcher over the model's
 * vectors and the lexical index of src/search) with each method, and scores the rankings. Lexical
 * search needs no encoder; semantic and hybrid search run once per query encoder (the float32 one
 * the builder embeds items with, and the quantised one the browser downloads).
 */
import type { LoadedModel } from '../../../core/model.ts';
import type { LexicalIndex } from '../../../core/ports.ts';
import { createSearcher, type SearchMethod } from '../../../core/search.ts';
import type { LexicalField } from '../../../search/lexical-index.ts';
import { createSetAccumulator, type SetScores } from './metrics.ts';
import type { SearchQuery } from './query-sets.ts';

/** A named set of queries and the catalogue fields its lexical index may read. */
export interface QuerySet {
  readonly name: string;
  readonly queries: readonly SearchQuery[];
  readonly fields: readonly LexicalField[];
}

/** A query encoder as the browser uses it: the shopper's words in, a vector in the model's item space out. */
export interface QueryEmbedder {
  /** e.g. "float32", "uint8". */
  readonly name: string;
  embedQuery(query: string): Promise<Float32Array>;
}

/** One method's scores on one set (encoder null: lexical search, which embeds nothing). */
export interface SearchEvalRow {
  readonly set: string;
  readonly method: SearchMethod;
  readonly encoder: string | null;
  readonly scores: SetScores;
  /** Mean number of matches per query. */
  readonly meanMatches: number;
}

export interface SearchEvalDeps {
  readonly model: LoadedModel;
  /** Builds the lexical index over the model's items with only these fields. */
  readonly createLexicalIndex: (fields: readonly LexicalField[]) => LexicalIndex;
  readonly embedders: readonly QueryEmbedder[];
  /** The fusion's semantic weight when the words cover the query, when not core's MIN_SEMANTIC_WEIGHT (tuning on validation queries). */
  readonly minSemanticWeight?: number;
}

/** The methods in the order the report lists them. */
export const METHODS: readonly SearchMethod[] = ['lexical', 'semantic', 'hybrid'];

/**
 * @param deps the model, its lexical index and the query encoders.
 * @param sets the query sets.
 * @returns per set: lexical, then semantic and hybrid per encoder.
 */
export async function evaluateSearch(deps: SearchEvalDeps, sets: readonly QuerySet[]): Promise<SearchEvalRow[]> {
  const rows: SearchEvalRow[] = [];
  for (const set of sets) {
    const index = deps.createLexicalIndex(set.fields);
    const runs: { method: SearchMethod; embedder: QueryEmbedder | null }[] = [
      { method: 'lexical', embedder: null },
      ...METHODS.filter((method) => method !== 'lexical').flatMap((method) => deps.embedders.map((embedder) => ({ method, embedder }))),
    ];
    for (const { method, embedder } of runs) {
      const searcher = createSearcher({
        model: deps.model,
        loadLexicalIndex: () => Promise.resolve(index),
        embedQuery: (query) => (embedder === null ? Promise.reject(new Error('lexical search embeds no query')) : embedder.embedQuery(query)),
        ...(deps.minSemanticWeight === undefined ? {} : { minSemanticWeight: deps.minSemanticWeight }),
      });
      const scores = createSetAccumulator();
      let matches = 0;
      for (const { query, relevant } of set.queries) {
        const found = await searcher.find(query, method);
        const ranked = found.matches.map((match) => match.row);
        matches += ranked.length;
        scores.add(relevant, ranked);
      }
      rows.push({
        set: set.name,
        method,
        encoder: embedder?.name ?? null,
        scores: scores.summary(),
        meanMatches: set.queries.length === 0 ? 0 : matches / set.queries.length,
      });
    }
  }
  return rows;
}
