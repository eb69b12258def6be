import { describe, expect, it } from 'vitest';
import { categoryCount, categoryName, itemId, writeEvents, writeItems, type LineSink, type ScaleShape } from './generate-scale.ts';

const SHAPE: ScaleShape = { items: 3000, events: 30_000, seed: 7 };

async function lines(write: (sink: LineSink) => Promise<void>): Promise<string[]> {
  const chunks: string[] = [];
  await write({ write: async (text) => void chunks.push(text) });
  return chunks.join('').split('\n').slice(0, -1);
}

interface Item {
  id: string;
  title: string;
  category: string;
  brand: string;
  description: string;
  price: number;
}
interface Event {
  user: string;
  session: string;
  type: string;
  time: string;
  item: string;
}

/** The shop of SHAPE, generated inside each test (a mutation run switches code between tests, not hooks). */
async function shop(shape: ScaleShape = SHAPE): Promise<{ items: Item[]; events: Event[] }> {
  const items = (await lines((sink) => writeItems(shape, sink))).map((line) => JSON.parse(line) as Item);
  const [header, ...rows] = await lines((sink) => writeEvents(shape, sink));
  expect(header).toBe('user_id,session_id,event_type,timestamp,item_id');
  const events = rows.map((row) => {
    const [user = '', session = '', type = '', time = '', item = ''] = row.split(',');
    return { user, session, type, time, item };
  });
  return { items, events };
}

describe('the scale test generator', () => {
  it('writes the asked-for numbers of items and events, over items that exist, in leaf categories', async () => {
    const { items, events } = await shop();
    expect(items).toHaveLength(3000);
    expect(new Set(items.map((item) => item.id)).size).toBe(3000);
    expect(items[17]?.id).toBe('s0000017');
    expect(itemId(1_234_567)).toBe('s1234567');
    expect(categoryName(0)).toBe('Clothing 1');
    expect(categoryName(13)).toBe('Shoes 2');
    // Category by category, in order: the first rows are the first category's.
    expect(items[0]?.category).toBe('Clothing 1');
    expect(items.at(-1)?.category).toBe(categoryName(categoryCount(3000) - 1));
    for (const item of items.slice(0, 200)) {
      expect(item.title).toMatch(
        new RegExp(`^${item.brand} \\S+ .+ ${item.category.split(' ')[0]?.toLowerCase() ?? ''} item ${Number(item.id.slice(1))}$`, 'u'),
      );
      expect(item.description).toMatch(/^A \S+ .+ item in .+, for everyday use\.$/u);
      expect(item.price).toBeGreaterThanOrEqual(2);
      expect(item.price).toBeLessThanOrEqual(302);
      expect(Math.round(item.price * 100) / 100).toBe(item.price);
    }
    expect(new Set(items.map((item) => item.price)).size).toBeGreaterThan(1000);
    expect(categoryCount(5)).toBe(12);
    expect(categoryCount(100_000)).toBe(100);
    expect(new Set(items.map((item) => item.category)).size).toBe(categoryCount(3000));
    expect(events).toHaveLength(30_000);
    const ids = new Set(items.map((item) => item.id));
    expect(events.filter((event) => !ids.has(event.item))).toEqual([]);
    expect(events.every((event) => !Number.isNaN(Date.parse(event.time)))).toBe(true);
  });

  it('has few items and users taking many events, and sessions mostly within one category', async () => {
    const { items, events } = await shop();
    const counts = new Map<string, number>();
    for (const event of events) counts.set(event.item, (counts.get(event.item) ?? 0) + 1);
    const top = [...counts.values()].sort((a, b) => b - a).slice(0, 30);
    const topShare = top.reduce((sum, n) => sum + n, 0) / events.length;
    expect(topShare).toBeGreaterThan(0.1);
    expect(topShare).toBeLessThan(0.6);
    const perUser = new Map<string, number>();
    for (const event of events) perUser.set(event.user, (perUser.get(event.user) ?? 0) + 1);
    expect(Math.max(...perUser.values())).toBeGreaterThan(10 * (events.length / perUser.size));
    const categoryOf = new Map(items.map((item) => [item.id, item.category]));
    let pairs = 0;
    let sameCategory = 0;
    events.forEach((event, i) => {
      const previous = events[i - 1];
      if (previous === undefined || previous.session !== event.session) return;
      pairs++;
      if (categoryOf.get(previous.item) === categoryOf.get(event.item)) sameCategory++;
    });
    expect(sameCategory / pairs).toBeGreaterThan(0.5);
    expect(sameCategory / pairs).toBeLessThan(0.95);
  });

  it('carts only items viewed in the session, and buys only carted ones', async () => {
    const { events } = await shop();
    const seen = new Map<string, Set<string>>();
    const carted = new Map<string, Set<string>>();
    const wrong: Event[] = [];
    for (const event of events) {
      const viewed = seen.get(event.session) ?? new Set<string>();
      const cart = carted.get(event.session) ?? new Set<string>();
      if (event.type === 'add_to_cart' && !viewed.has(event.item)) wrong.push(event);
      if (event.type === 'purchase' && !cart.has(event.item)) wrong.push(event);
      viewed.add(event.item);
      if (event.type === 'add_to_cart') cart.add(event.item);
      seen.set(event.session, viewed);
      carted.set(event.session, cart);
    }
    expect(wrong).toEqual([]);
    const types = new Set(events.map((event) => event.type));
    expect([...types].sort()).toEqual(['add_to_cart', 'purchase', 'view']);
  });

  it('follows the seed', async () => {
    const { items } = await shop();
    expect(await lines((sink) => writeItems(SHAPE, sink))).toEqual(items.map((item) => JSON.stringify(item)));
    expect((await lines((sink) => writeItems({ ...SHAPE, seed: 8 }, sink))).slice(0, 50)).not.toEqual(items.slice(0, 50).map((item) => JSON.stringify(item)));
  });
});
