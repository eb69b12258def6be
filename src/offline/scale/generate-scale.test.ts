import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as buildModels } from '../builder/cli.ts';
import type { BuildReport } from '../builder/build-report.ts';
import { main as generate } from './cli.ts';
import { categoryCount, itemId, writeEvents, writeItems, type LineSink, type ScaleShape } from './generate-scale.ts';

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

let items: Item[] = [];
let events: Event[] = [];
beforeAll(async () => {
  items = (await lines((sink) => writeItems(SHAPE, sink))).map((line) => JSON.parse(line) as Item);
  const [header, ...rows] = await lines((sink) => writeEvents(SHAPE, sink));
  expect(header).toBe('user_id,session_id,event_type,timestamp,item_id');
  events = rows.map((row) => {
    const [user = '', session = '', type = '', time = '', item = ''] = row.split(',');
    return { user, session, type, time, item };
  });
});

describe('the scale test generator', () => {
  it('writes the asked-for numbers of items and events, over items that exist, in leaf categories', () => {
    expect(items).toHaveLength(3000);
    expect(new Set(items.map((item) => item.id)).size).toBe(3000);
    expect(items[17]?.id).toBe(itemId(17));
    expect(new Set(items.map((item) => item.category)).size).toBe(categoryCount(3000));
    expect(events).toHaveLength(30_000);
    const ids = new Set(items.map((item) => item.id));
    expect(events.filter((event) => !ids.has(event.item))).toEqual([]);
    expect(events.every((event) => !Number.isNaN(Date.parse(event.time)))).toBe(true);
  });

  it('has few items and users taking many events, and sessions mostly within one category', () => {
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

  it('carts only items viewed in the session, and buys only carted ones', () => {
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
    expect(await lines((sink) => writeItems(SHAPE, sink))).toEqual(items.map((item) => JSON.stringify(item)));
    expect((await lines((sink) => writeItems({ ...SHAPE, seed: 8 }, sink))).slice(0, 50)).not.toEqual(items.slice(0, 50).map((item) => JSON.stringify(item)));
  });
});

describe('scale:generate --cache-dir', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vitrine-scale-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('caches a vector for every text the build embeds, so the build embeds none', { timeout: 120_000 }, async () => {
    const cache = join(root, 'cache');
    expect(await generate(['--items', '1500', '--events', '15000', '--out', root, '--cache-dir', cache])).toBe(0);
    const out = join(root, 'model');
    const args = [
      '--catalog',
      join(root, 'items.jsonl'),
      '--events',
      join(root, 'events.csv'),
      '--cache-dir',
      cache,
      '--out',
      out,
      '--quiet',
      '--workers',
      '1',
    ];
    expect(await buildModels(args, { loadEncoder: () => Promise.reject(new Error('every text should be cached')) })).toBe(0);
    const report = JSON.parse(await readFile(join(out, 'build-report.json'), 'utf8')) as BuildReport;
    expect(report.embedding).toMatchObject({ embedded: 0, cached: 1500 });
    expect(report.events).toMatchObject({ training: expect.any(Number), sequences: expect.any(Number) });
    expect(report.catalog.skipped).toBe(0);
  });
});
