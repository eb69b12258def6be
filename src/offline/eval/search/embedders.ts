/**
 * The query encoders of the evaluation, each used as the browser uses it: core's term source
 * embeds the query with the encoder and projects it into the model's item space (query-terms.ts),
 * so the evaluation's query vectors are the storefront's. Each query is embedded once per model and
 * encoder (semantic and hybrid search ask for the same vector).
 */
import type { LoadedModel } from '../../../core/model.ts';
import { createTermSource } from '../../../core/query-terms.ts';
import type { SentenceEncoder } from '../../../engine/text-encoder.ts';
import type { QueryEmbedder } from './evaluate-search.ts';

/** An encoder the evaluation runs queries through, by name. */
export interface NamedEncoder {
  /** "float32" (the builder's item encoder) or "uint8" (the quantised copy the browser downloads). */
  readonly name: string;
  readonly encoder: SentenceEncoder;
}

/**
 * @param model the model whose item space the queries go into.
 * @param encoders the loaded encoders.
 * @returns one embedder per encoder, in the same order.
 */
export function modelEmbedders(model: LoadedModel, encoders: readonly NamedEncoder[]): QueryEmbedder[] {
  return encoders.map(({ name, encoder }) => {
    const terms = createTermSource(model, () => Promise.resolve({ embed: (text: string) => encoder.embed([text]) }));
    const vectors = new Map<string, Promise<Float32Array>>();
    return {
      name,
      embedQuery(query) {
        let vector = vectors.get(query);
        if (vector === undefined) {
          vector = terms.embedQuery(query);
          vectors.set(query, vector);
        }
        return vector;
      },
    };
  });
}
