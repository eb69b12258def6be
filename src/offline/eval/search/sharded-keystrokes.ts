/**
 * Search as you type on a sharded catalogue's prebuilt index (the bench's million items,
 * `models/bench-1m`, written by `npm run bench -- --catalog 1m` or the million e2e), in Node: the
 * storefront's loader (`loadShardedLexicalIndex`) over the model folder on disk, the bench's queries
 * typed letter by letter, every keystroke awaiting `suggest` as the search box does. It times the
 * index's work: the shards are read from disk here, where the page fetches each new one (once) over
 * HTTP, and the titles' cards are loaded as the page loads them.
 *
 *   npx tsx src/offline/eval/search/sharded-keystrokes.ts [model folder]
 *
 * The keystrokes are the bench page's (keystroke-case.ts).
 */
import { loadModel } from '../../../core/model.ts';
import { percentiles } from '../../../core/percentiles.ts';
import { createFsModelSource } from '../../lib/write-model.ts';
import { loadShardedLexicalIndex } from '../../../search/sharded-lexical-index.ts';
import { KEYSTROKE_CASE } from './keystroke-case.ts';

const dir = process.argv[2] ?? 'models/bench-1m';
const model = await loadModel(createFsModelSource(dir), undefined, { pagedVectors: true });
if (model.searchIndex === undefined) throw new Error(`${dir}: its catalogue is not sharded, so it has no prebuilt index`);
const index = await loadShardedLexicalIndex({ files: model.searchIndex, items: model.items, loadCards: (rows) => model.cards.load(rows), location: dir });
const rounds: number[][] = [];
for (let round = 0; round < KEYSTROKE_CASE.rounds; round++) {
  const times: number[] = [];
  for (const query of KEYSTROKE_CASE.queries) {
    for (let length = 1; length <= query.length; length++) {
      const started = performance.now();
      await index.suggest(query.slice(0, length), KEYSTROKE_CASE.suggestions);
      times.push(performance.now() - started);
    }
  }
  rounds.push(times);
}
const figures = (times: readonly number[]): string => {
  const { medianMs, p95Ms } = percentiles(times);
  return `median ${medianMs.toFixed(1)} ms, p95 ${p95Ms.toFixed(1)} ms over ${times.length} keystrokes`;
};
console.log(`${dir}: ${model.items.length} items`);
console.log(`  first round (each shard read once): ${figures(rounds[0] ?? [])}`);
console.log(`  all ${rounds.length} rounds: ${figures(rounds.flat())}`);
