import type { LexicalIndex, LoadedModel } from '../core/index.ts';

/**
 * The catalogue's full-text index, with its library in a chunk of its own, on the first search,
 * suggestion or prepareSearch. A whole catalogue's is built from the items already loaded
 * (docs/decisions/search-index.md), in idle moments, so the shopper's clicks are not held up while
 * a large catalogue is indexed. A sharded catalogue's is prebuilt and fetched by the words searched
 * (docs/decisions/catalogue-shards.md); one from an older builder, without it, is built from every card.
 */
export async function loadLexicalIndex(model: LoadedModel, location: string): Promise<LexicalIndex> {
  const files = model.searchIndex;
  if (files !== undefined) {
    const { loadShardedLexicalIndex } = await import('../search/sharded-lexical-index.ts');
    return loadShardedLexicalIndex({ files, items: model.items, loadCards: (rows) => model.cards.load(rows), location });
  }
  const { createLexicalIndexInSlices } = await import('../search/lexical-index.ts');
  await model.cards.loadAll();
  return createLexicalIndexInSlices(model.items);
}
