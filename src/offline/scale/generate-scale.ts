/**
 * A synthetic shop of any size for the builder's scale test: a catalogue (JSONL) and an event log
 * (CSV, the builder's default columns) with the shape of real logs, written line by line so that
 * 1,000,000 items and 20,000,000 events need no more memory than a few arrays of the item count:
 *   - items in leaf categories of a dozen departments; popularity is Zipf-like (a few items take
 *     most events), globally and within each category;
 *   - users whose activity is Zipf-like too (a few heavy shoppers, a long tail of one-session ones);
 *   - sessions of a few events, mostly in one category (what co-occurrence learns from), with views,
 *     add-to-carts of viewed items and purchases of carted ones, spread over a year.
 * Everything follows from the seed.
 */
import { seededRandom, shuffledIndices } from '../../core/random.ts';

export interface ScaleShape {
  readonly items: number;
  readonly events: number;
  readonly seed: number;
}

/** Where generated lines go (a file stream, or an array in tests). */
export interface LineSink {
  write(lines: string): Promise<void>;
}

const DEPARTMENTS = ['Clothing', 'Shoes', 'Kitchen', 'Garden', 'Toys', 'Books', 'Beauty', 'Sports', 'Office', 'Electronics', 'Pets', 'Home'];
const ADJECTIVES = ['Classic', 'Compact', 'Organic', 'Wireless', 'Heavy-Duty', 'Foldable', 'Handmade', 'Waterproof', 'Slim', 'Deluxe', 'Travel', 'Vintage'];
const MATERIALS = ['cotton', 'steel', 'bamboo', 'leather', 'ceramic', 'wool', 'glass', 'oak', 'recycled plastic', 'linen'];
const BRANDS = ['Northwind', 'Acme', 'Fjord', 'Lumen', 'Oakridge', 'Pebble', 'Quill', 'Sable', 'Tundra', 'Vale'];
/** Items per leaf category, on average. */
const ITEMS_PER_CATEGORY = 1000;
/** Zipf exponents: of items overall, within a category, of categories, of users. */
const ITEM_SKEW = 1.0;
const CATEGORY_SKEW = 0.9;
const USER_SKEW = 0.8;
/** Events per user on average, and the share of a session's events in its own category. */
const EVENTS_PER_USER = 25;
const IN_CATEGORY = 0.8;
const MEAN_SESSION_EVENTS = 6;
const START = Date.UTC(2025, 0, 1);
const YEAR_MS = 365 * 24 * 3600 * 1000;
/** Lines per write: large enough that writing costs little, small enough to keep memory flat. */
const CHUNK = 10_000;

/** Cumulative Zipf weights 1/(rank+1)^skew over `count` ranks, normalised to end at 1. */
function zipfCdf(count: number, skew: number): Float64Array {
  const cdf = new Float64Array(count);
  let total = 0;
  for (let rank = 0; rank < count; rank++) cdf[rank] = total += 1 / (rank + 1) ** skew;
  for (let rank = 0; rank < count; rank++) cdf[rank] = (cdf[rank] ?? 0) / total;
  return cdf;
}

/** The first rank whose cumulative weight reaches u (binary search), within [from, to). */
function draw(cdf: Float64Array, u: number, from = 0, to = cdf.length): number {
  let lo = from;
  let hi = to - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cdf[mid] ?? 1) < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** @returns how many leaf categories a catalogue of `items` has. */
export const categoryCount = (items: number): number => Math.max(DEPARTMENTS.length, Math.round(items / ITEMS_PER_CATEGORY));

/** The leaf category `c`'s name: its department and a number. */
export const categoryName = (c: number): string => `${DEPARTMENTS[c % DEPARTMENTS.length] ?? ''} ${Math.floor(c / DEPARTMENTS.length) + 1}`;

/** Item `row`'s id. */
export const itemId = (row: number): string => `s${String(row).padStart(7, '0')}`;

/**
 * Items are laid out category by category: category c holds rows [start(c), start(c+1)), its most
 * popular first, so one array of starts says both an item's category and its rank in it.
 */
function categoryStarts(items: number): Int32Array {
  const categories = categoryCount(items);
  const starts = new Int32Array(categories + 1);
  for (let c = 0; c <= categories; c++) starts[c] = Math.round((c * items) / categories);
  return starts;
}

/**
 * Writes the catalogue: one JSON object a line (id, title, category, brand, description, price).
 * @param shape the size and seed.
 * @param sink where the lines go.
 */
export async function writeItems(shape: ScaleShape, sink: LineSink): Promise<void> {
  const random = seededRandom(shape.seed);
  const starts = categoryStarts(shape.items);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  let lines: string[] = [];
  for (let c = 0; c + 1 < starts.length; c++) {
    const category = categoryName(c);
    const noun = `${category.split(' ')[0] ?? ''} item`.toLowerCase();
    for (let row = starts[c] ?? 0; row < (starts[c + 1] ?? 0); row++) {
      const brand = pick(BRANDS);
      const title = `${brand} ${pick(ADJECTIVES)} ${pick(MATERIALS)} ${noun} ${row}`;
      const description = `A ${pick(ADJECTIVES).toLowerCase()} ${noun} in ${pick(MATERIALS)}, for everyday use.`;
      const price = Math.round((2 + random() * 300) * 100) / 100;
      lines.push(JSON.stringify({ id: itemId(row), title, category, brand, description, price }));
      if (lines.length === CHUNK) {
        await sink.write(`${lines.join('\n')}\n`);
        lines = [];
      }
    }
  }
  if (lines.length > 0) await sink.write(`${lines.join('\n')}\n`);
}

/**
 * Writes the event log: a header `user_id,session_id,event_type,timestamp,item_id`, then one event a
 * line, session by session.
 * @param shape the size and seed (the same items as writeItems).
 * @param sink where the lines go.
 */
export async function writeEvents(shape: ScaleShape, sink: LineSink): Promise<void> {
  const random = seededRandom(shape.seed + 1);
  const starts = categoryStarts(shape.items);
  const categories = starts.length - 1;
  const categoryCdf = zipfCdf(categories, CATEGORY_SKEW);
  // Category popularity follows a seeded shuffle of categories, not their numbering.
  const categoryOrder = shuffledIndices(categories, random);
  // Within category c the cumulative weights of its rows; across the catalogue, of all rows.
  const withinCdf = new Float64Array(shape.items);
  for (let c = 0; c < categories; c++) withinCdf.set(zipfCdf((starts[c + 1] ?? 0) - (starts[c] ?? 0), ITEM_SKEW), starts[c] ?? 0);
  const globalCdf = zipfCdf(shape.items, ITEM_SKEW);
  const globalOrder = shuffledIndices(shape.items, random);
  const users = Math.max(1, Math.round(shape.events / EVENTS_PER_USER));
  const userCdf = zipfCdf(users, USER_SKEW);

  await sink.write('user_id,session_id,event_type,timestamp,item_id\n');
  let lines: string[] = [];
  let written = 0;
  for (let session = 0; written < shape.events; session++) {
    const user = draw(userCdf, random());
    const category = categoryOrder[draw(categoryCdf, random())] ?? 0;
    const length = Math.min(shape.events - written, 1 + Math.floor(-Math.log(1 - random()) * (MEAN_SESSION_EVENTS - 1)));
    let time = START + Math.floor(random() * YEAR_MS);
    const carted: number[] = [];
    let last = -1;
    for (let e = 0; e < length; e++) {
      let type = 'view';
      let row: number;
      const roll = random();
      if (last >= 0 && roll < 0.12) {
        type = 'add_to_cart';
        row = last;
        carted.push(row);
      } else if (carted.length > 0 && roll < 0.18) {
        type = 'purchase';
        row = carted[Math.floor(random() * carted.length)] ?? last;
      } else if (random() < IN_CATEGORY) {
        row = draw(withinCdf, random(), starts[category] ?? 0, starts[category + 1] ?? 0);
      } else {
        row = globalOrder[draw(globalCdf, random())] ?? 0;
      }
      last = row;
      time += 30_000 + Math.floor(random() * 270_000);
      lines.push(`u${user},x${session},${type},${new Date(time).toISOString()},${itemId(row)}`);
      if (lines.length === CHUNK) {
        await sink.write(`${lines.join('\n')}\n`);
        lines = [];
      }
    }
    written += length;
  }
  if (lines.length > 0) await sink.write(`${lines.join('\n')}\n`);
}
