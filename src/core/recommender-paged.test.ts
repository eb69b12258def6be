// A recommender over a paged model (its vectors fetched by page) gives what the same recommender
// gives over the whole model: the reasons, the placements and a stored session restored on a new
// visit all read rows whose pages were not fetched yet.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIOR_WEIGHT } from './constants.ts';
import { toItemId } from './ids.ts';
import { createMemoryEventStore } from './memory-store.ts';
import { loadModel, type LoadedModel } from './model.ts';
import { pagedAndWhole, pagedModelFiles } from './paged-test-support.ts';
import { createRecommender } from './recommender.ts';
import { deps } from './recommender-test-support.ts';
import type { Ranking } from './recommender-types.ts';
import type { EventStore } from './ports.ts';
import { createReferenceSpace, createWordIndex, memoryModelSource } from './test-support.ts';

/**
 * A recommender over the model on the store. Its space ranks from the whole vectors, so it fetches no
 * page itself: every row the recommender reads beside the space must have its page fetched by the
 * recommender.
 */
async function recommenderOver(model: LoadedModel, whole: LoadedModel, store: EventStore) {
  const space = createReferenceSpace(whole, DEFAULT_PRIOR_WEIGHT);
  return createRecommender(deps({ model, space, store, loadLexicalIndex: () => Promise.resolve(createWordIndex(model.items)) }));
}

const shown = (ranking: Ranking) => ranking.items.map(({ item, reason }) => [item.id, reason?.kind ?? null, reason?.kind === 'similar' ? reason.to.id : null]);

describe('a recommender over a paged model', () => {
  it('ranks, explains, places, orders a host’s list and restores as over the whole model', async () => {
    const { files } = await pagedModelFiles({ count: 400, dim: 8, layout: { subspaces: 4, rowsPerPage: 8, rerank: 10, hotRows: 0 } });
    const whole = await loadModel(memoryModelSource(files));
    const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as Record<string, unknown>;
    const rebuilt = new Map([...files, ['manifest.json', new TextEncoder().encode(JSON.stringify({ ...manifest, catalogId: 'fixture-rebuilt' }))]]);
    const results: unknown[] = [];
    for (const pagedVectors of [true, false]) {
      const store = createMemoryEventStore();
      const first = await recommenderOver(await loadModel(memoryModelSource(files), undefined, { pagedVectors }), whole, store);
      await first.record({ type: 'view', item: toItemId('i4') });
      const afterCart = await first.record({ type: 'add_to_cart', item: toItemId('i31') });
      const similar = await first.placement({ kind: 'similar', item: toItemId('i60') }, 4);
      const searched = await first.search('Item 7');
      first.dispose();
      // A new visit after a rebuild of the model (a new key): the state is rebuilt from the stored
      // events, over a model with no page loaded.
      const second = await recommenderOver(await loadModel(memoryModelSource(rebuilt), undefined, { pagedVectors }), whole, store);
      const listed = await second.rankItems(['i399', 'i250', 'i3', 'i101', 'i333', 'i177'].map(toItemId));
      const restored = await second.record({ type: 'view', item: toItemId('i12') });
      second.dispose();
      results.push({
        afterCart: shown(afterCart),
        similar: similar.items.map(({ item }) => item.id),
        listed: JSON.stringify(listed),
        searched: shown(searched),
        restored: shown(restored),
      });
    }
    expect(results[0]).toEqual(results[1]);
    // Not an empty agreement: the reasons name the recent items.
    expect(JSON.stringify(results[0])).toContain('"similar"');
  });

  it('orders a personalised search’s matches from the codes, fetching no vector page for them', async () => {
    const { files } = await pagedModelFiles({ count: 400, dim: 8, layout: { subspaces: 4, rowsPerPage: 8, rerank: 10, hotRows: 0 } });
    const { paged, whole, reads } = await pagedAndWhole(files);
    const recommender = await recommenderOver(paged, whole, createMemoryEventStore());
    await recommender.record({ type: 'view', item: toItemId('i4') });
    const before = reads.filter((path) => path.startsWith('vectors/')).length;
    // Every item is titled "Item n": the words match all 400, whose pages the exact cosines would need.
    const searched = await recommender.search('item');
    expect(searched.mode).toBe('search');
    expect(searched.search?.resultCount).toBe(400);
    expect(searched.personalised).toBe(true);
    expect(reads.filter((path) => path.startsWith('vectors/')).length).toBe(before);
    recommender.dispose();
  });
});
