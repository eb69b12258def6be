// Run from the repo root: `node docs/decisions/search-index-compare.mjs` (installs minisearch, @orama/orama and flexsearch into $TMPDIR/vitrine-search-compare itself; needs ../shared/data and models/demo).
/**
 * Measures three in-browser full-text libraries on the same catalogue texts, in Node: index size
 * (serialised JSON, raw and gzip), build time, load-from-JSON time, query time (p50/p95, whole-word
 * queries and prefixes typed letter by letter) and typo handling, at 10k and 100k items. The results
 * are in search-index.md next to this file.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const VERSIONS = { minisearch: '7.2.0', '@orama/orama': '3.1.18', flexsearch: '0.8.212' };
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = resolve(ROOT, '../shared/data');
const SIZES = (process.env.SIZES ?? '10000,100000').split(',').map(Number);
/** Only the libraries whose name starts with one of these (comma-separated), e.g. LIBS=Flex. */
const LIBS = (process.env.LIBS ?? '').split(',').filter(Boolean);

async function libraries() {
  const dir = join(tmpdir(), 'vitrine-search-compare');
  if (!existsSync(join(dir, 'node_modules', 'flexsearch'))) {
    mkdirSync(dir, { recursive: true });
    execSync('npm init -y', { cwd: dir, stdio: 'ignore' });
    execSync(
      `npm i --no-audit --no-fund ${Object.entries(VERSIONS)
        .map(([n, v]) => `${n}@${v}`)
        .join(' ')}`,
      { cwd: dir, stdio: 'inherit' },
    );
  }
  const require = createRequire(join(dir, 'package.json'));
  const load = async (name) => import(pathToFileURL(require.resolve(name)).href);
  return { MiniSearch: (await load('minisearch')).default, orama: await load('@orama/orama'), flex: (await load('flexsearch')).default };
}

/** A small seeded generator (mulberry32), so every run queries and perturbs the same way. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Amazon Beauty + Toys (brand + title_hint, last category, text) and the demo catalogue, in a seeded shuffle. */
function baseItems() {
  const amazon = (name) =>
    readFileSync(join(DATA, name, 'items.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .map((r) => ({ title: [r.brand, r.title_hint].filter(Boolean).join(' '), category: r.categories?.at(-1) ?? '', description: r.text ?? '' }));
  const demo = JSON.parse(readFileSync(join(ROOT, 'models/demo/catalog.json'), 'utf8')).items.map((r) => ({
    title: r.title,
    category: r.category,
    description: r.description ?? '',
  }));
  const all = [...amazon('amazon-beauty'), ...amazon('amazon-toys'), ...demo].filter((r) => r.title.length > 0);
  const random = seeded(7);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all;
}

const VARIANTS = ['mini', 'travel size', 'xl', 'deluxe', 'set of 2', 'refill', 'limited edition', 'pro', 'kids', 'value pack', 'classic', 'blue', 'pink'];

/** `count` items: the base items, then copies with a variant word added to the title and one description word dropped. */
function catalogue(base, count) {
  const random = seeded(count);
  return Array.from({ length: count }, (_, id) => {
    const item = base[id % base.length];
    if (id < base.length) return { id, ...item };
    const words = item.description.split(' ');
    words.splice(Math.floor(random() * words.length), 1);
    return { id, title: `${item.title} ${VARIANTS[Math.floor(random() * VARIANTS.length)]}`, category: item.category, description: words.join(' ') };
  });
}

const wordsOf = (text) => text.toLowerCase().match(/[a-z]{3,}/g) ?? [];

/** Whole queries (1-3 consecutive title words), typed prefixes of some of them, and typo queries with their target item. */
function queries(items) {
  const random = seeded(11);
  const pick = () => items[Math.floor(random() * items.length)];
  const whole = [];
  while (whole.length < 300) {
    const words = wordsOf(pick().title);
    if (words.length === 0) continue;
    const n = 1 + Math.floor(random() * Math.min(3, words.length));
    const at = Math.floor(random() * (words.length - n + 1));
    whole.push(words.slice(at, at + n).join(' '));
  }
  const typed = whole.slice(0, 25).flatMap((q) => Array.from({ length: q.length }, (_, i) => q.slice(0, i + 1)));
  const typos = [];
  while (typos.length < 200) {
    const item = pick();
    const words = wordsOf(item.title);
    const long = words.findIndex((w) => w.length >= 5);
    const other = words.find((w, i) => i !== long);
    if (long < 0 || other === undefined) continue;
    const word = words[long];
    const at = 1 + Math.floor(random() * (word.length - 2));
    const letter = 'abcdefghijklmnopqrstuvwxyz'.replace(word[at], '')[Math.floor(random() * 25)];
    typos.push({ id: item.id, clean: `${word} ${other}`, typo: `${word.slice(0, at)}${letter}${word.slice(at + 1)} ${other}` });
  }
  return { whole, typed, typos };
}

function percentiles(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { p50: at(0.5), p95: at(0.95) };
}

function time(fn) {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

/** Each library configured as Vitrine would use it: title > category > description, prefix, one typo. */
function adapters({ MiniSearch, orama, flex }) {
  const miniOptions = {
    fields: ['title', 'category', 'description'],
    searchOptions: { boost: { title: 3, category: 2 }, prefix: true, fuzzy: 0.2 },
  };
  const flexOptions = () => ({
    tokenize: 'forward',
    encoder: flex.Charset.LatinBalance,
    document: { id: 'id', index: ['title', 'category', 'description'] },
  });
  const flexSearch = (index, q) => {
    // Per-field result lists, merged in field order (title first): FlexSearch has no field boosts.
    const seen = new Set();
    for (const field of index.search(q, { limit: 20, suggest: true })) for (const id of field.result) if (seen.size < 20) seen.add(id);
    return [...seen];
  };
  const oramaSchema = { title: 'string', category: 'string', description: 'string' };
  const oramaSearch = (db, q) => orama.search(db, { term: q, limit: 20, tolerance: 1, boost: { title: 3, category: 2 } }).hits.map((h) => Number(h.id));
  return [
    {
      name: 'MiniSearch 7.2',
      build: (items) => {
        const index = new MiniSearch(miniOptions);
        index.addAll(items);
        return index;
      },
      save: (index) => JSON.stringify(index),
      load: (json) => MiniSearch.loadJSON(json, miniOptions),
      search: (index, q) =>
        index
          .search(q)
          .slice(0, 20)
          .map((r) => r.id),
    },
    {
      name: 'Orama 3.1',
      build: (items) => {
        const db = orama.create({ schema: oramaSchema });
        orama.insertMultiple(
          db,
          items.map((r) => ({ ...r, id: String(r.id) })),
        );
        return db;
      },
      save: (db) => JSON.stringify(orama.save(db)),
      load: (json) => {
        const db = orama.create({ schema: oramaSchema });
        orama.load(db, JSON.parse(json));
        return db;
      },
      search: oramaSearch,
    },
    {
      name: 'FlexSearch 0.8',
      build: (items) => {
        const index = new flex.Document(flexOptions());
        for (const item of items) index.add(item);
        return index;
      },
      save: (index) => {
        const parts = {};
        index.export((key, data) => {
          parts[key] = data;
        });
        return JSON.stringify(parts);
      },
      load: (json) => {
        const index = new flex.Document(flexOptions());
        for (const [key, data] of Object.entries(JSON.parse(json))) index.import(key, data);
        return index;
      },
      search: flexSearch,
    },
  ];
}

async function main() {
  const libs = await libraries();
  const base = baseItems();
  console.log(`base items: ${base.length} (Amazon Beauty + Toys + demo); Node ${process.version}`);
  console.log('| items | library | JSON bytes | gzip bytes | build ms | load ms | query p50/p95 ms | typed prefix p50/p95 ms | typo found (clean found) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const count of SIZES) {
    const items = catalogue(base, count);
    const { whole, typed, typos } = queries(items);
    const catalogGzip = gzipSync(JSON.stringify({ items })).length;
    for (const lib of adapters(libs).filter((l) => LIBS.length === 0 || LIBS.some((prefix) => l.name.startsWith(prefix)))) {
      const built = time(() => lib.build(items));
      const json = lib.save(built.value);
      const loaded = time(() => lib.load(json));
      const index = loaded.value;
      for (const q of whole.slice(0, 20)) lib.search(index, q); // warm-up
      const run = (list) => percentiles(list.map((q) => time(() => lib.search(index, q)).ms));
      const q = run(whole);
      const t = run(typed);
      const found = (text, id) => lib.search(index, text).includes(id);
      const typo = typos.filter((x) => found(x.typo, x.id)).length;
      const clean = typos.filter((x) => found(x.clean, x.id)).length;
      const f = (x) => x.toFixed(x < 10 ? 2 : 0);
      console.log(
        `| ${count} | ${lib.name} | ${json.length} | ${gzipSync(json).length} | ${f(built.ms)} | ${f(loaded.ms)} | ${f(q.p50)} / ${f(q.p95)} | ${f(t.p50)} / ${f(t.p95)} | ${typo}/${typos.length} (${clean}) |`,
      );
    }
    console.log(`(catalogue of ${count} items as JSON, gzip: ${catalogGzip} bytes; ${whole.length} queries, ${typed.length} typed prefixes)`);
  }
}

await main();
