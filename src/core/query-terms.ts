/**
 * What an interaction contributes to the interest: an item's row, or a search query embedded on
 * the device into the item space. The query encoder is large (a sentence encoder), so it is loaded
 * the first time a search needs it, and loaded again after a failure.
 */
import { RecError, toRecError } from './errors.ts';
import { interactionWeight, type InteractionEvent } from './interactions.ts';
import type { LoadedModel } from './model.ts';
import type { QueryEncoder } from './ports.ts';
import { project, type InterestTerm } from './rank.ts';

/** Query vectors kept for reuse: a search embeds its query for the matches and again for its interest term. */
const RECENT_QUERIES = 8;

export interface TermSource {
  /**
   * @param query the shopper's words.
   * @returns the query in the item space (the last few are kept, so a search's matches and its
   *   interest term embed it once).
   * @throws RecError ENCODER_UNAVAILABLE when the encoder cannot be loaded.
   */
  embedQuery(query: string): Promise<Float32Array>;
  /** Starts loading the encoder (idle time, or the search box got focus); failures are left to the next search. */
  prepare(): void;
  /**
   * @param event the interaction.
   * @returns its weighted term, or none when it moves nothing (weight 0, or an item no longer in the catalogue).
   * @throws RecError ENCODER_UNAVAILABLE when a search cannot be embedded.
   */
  termsOf(event: InteractionEvent): Promise<InterestTerm[]>;
  /**
   * @returns `termsOf` for one rebuild from stored events: each distinct query is embedded once in
   *   it (a history holds thousands of searches of a few queries, more than the recent few kept).
   */
  forRebuild(): (event: InteractionEvent) => Promise<InterestTerm[]>;
}

/**
 * @param model the catalogue rows and, for queries, the encoder's dimension and the projection into the item space.
 * @param loadEncoder loads the query encoder (called lazily).
 */
export function createTermSource(model: LoadedModel, loadEncoder: () => Promise<QueryEncoder>): TermSource {
  let encoder: Promise<QueryEncoder> | null = null;
  const getEncoder = (): Promise<QueryEncoder> => {
    encoder ??= loadEncoder().catch((error: unknown) => {
      encoder = null;
      throw toRecError(error, 'ENCODER_UNAVAILABLE');
    });
    return encoder;
  };

  const recent = new Map<string, Promise<Float32Array>>();
  const embedQuery = (query: string): Promise<Float32Array> => {
    let found = recent.get(query);
    if (found === undefined) {
      found = embedUncached(query);
      found.catch(() => recent.delete(query));
      recent.set(query, found);
      // Oldest first in a Map: drop the oldest beyond the few a session reuses.
      const oldest = recent.keys().next();
      if (recent.size > RECENT_QUERIES && oldest.done !== true) recent.delete(oldest.value);
    }
    return found;
  };

  const embedUncached = async (query: string): Promise<Float32Array> => {
    const vector = await (await getEncoder()).embed(query);
    const expected = model.manifest.encoder.dim;
    if (vector.length !== expected) {
      throw new RecError('MODEL_DIMENSION_MISMATCH', `the query encoder gives ${vector.length} values, the model's encoder ${expected}`, { field: 'search' });
    }
    return model.projection === null ? vector : project(vector, model.projection, model.manifest.dim);
  };

  const termsWith =
    (embed: (query: string) => Promise<Float32Array>) =>
    async (event: InteractionEvent): Promise<InterestTerm[]> => {
      const weight = interactionWeight(event);
      if (weight === 0) return [];
      if (event.type === 'search') return [{ kind: 'vector', vector: await embed(event.query), weight }];
      const row = model.rowOf.get(event.item);
      // An event for an item no longer in the catalogue still counts as an event but moves nothing.
      return row === undefined ? [] : [{ kind: 'row', row, weight }];
    };

  return {
    embedQuery,
    prepare() {
      getEncoder().catch(() => undefined);
    },
    termsOf: termsWith(embedQuery),
    forRebuild() {
      // Kept for this rebuild only, failures included: a query the encoder could not take is not tried again in it.
      const embedded = new Map<string, Promise<Float32Array>>();
      return termsWith((query) => {
        let found = embedded.get(query);
        if (found === undefined) {
          found = embedUncached(query);
          embedded.set(query, found);
        }
        return found;
      });
    },
  };
}
