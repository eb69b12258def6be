// A model built from the demo catalogue and a basket log, so the complements placement has
// co-purchase statistics (complements.bin) to show: in each of 200 orders a Kitchen product is
// bought with its Garden partner (the i-th of each department, i = order % 20) and one other
// product drawn at random; the same session also views the i-th Books product, which a view does
// not put in the basket. The builder runs as a child process, as a shop runs it; the demo's texts
// are in the embedding cache by then (npm run models:demo). models/ is gitignored.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { seededRandom } from '../src/core/random.ts';
import { buildE2eModel, demoCatalogInput } from './imported-model.ts';

/** The model folder name. */
export const BASKET_MODEL = 'e2e-baskets';
const WORK = resolve(import.meta.dirname, '..', '.cache', BASKET_MODEL);
const ORDERS = 200;
const PAIRS = 20;

/** The products the log pairs: the i-th Kitchen one is bought with the i-th Garden one, and seen with the i-th Books one. */
export interface BasketPairs {
  readonly kitchen: readonly string[];
  readonly garden: readonly string[];
  readonly books: readonly string[];
}

/** Writes the catalogue and the log, builds models/e2e-baskets, and returns who was bought with whom. */
export async function buildBasketModel(): Promise<BasketPairs> {
  const { demo, catalog } = await demoCatalogInput(WORK);
  const of = (category: string) => demo.items.filter((item) => item.category === category).map((item) => item.id as string);
  const [kitchen, garden, books] = [of('Kitchen'), of('Garden'), of('Books')];
  const random = seededRandom(31);
  const rows = ['session_id,user_id,item_id,event_type,timestamp'];
  for (let order = 0; order < ORDERS; order++) {
    const i = order % PAIRS;
    const time = new Date(Date.UTC(2026, 0, 1) + order * 3_600_000).toISOString();
    const other = demo.items[Math.floor(random() * demo.items.length)]?.id ?? '';
    const events: [string, string][] = [
      [books[i] ?? '', 'view'],
      [kitchen[i] ?? '', 'purchase'],
      [garden[i] ?? '', 'purchase'],
      [other, 'purchase'],
    ];
    for (const [item, type] of events) rows.push(`o${order},u${order % 50},${item},${type},${time}`);
  }
  const events = resolve(WORK, 'events.csv');
  await writeFile(events, `${rows.join('\n')}\n`);
  await buildE2eModel(BASKET_MODEL, ['--catalog', catalog, '--events', events, '--dim', '128']);
  return { kitchen: kitchen.slice(0, PAIRS), garden: garden.slice(0, PAIRS), books: books.slice(0, PAIRS) };
}
