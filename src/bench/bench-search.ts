/**
 * The search-as-you-type case of the bench page: a synthetic catalogue made from the demo
 * catalogue's texts, the lexical index (src/search) built over it, and each query typed letter by
 * letter, every keystroke asking for completions as the search box does (src/ui/use-search.ts: the
 * matches themselves are searched once, on Enter).
 */
import { parseCatalog, type CatalogItem } from '../core/catalog.ts';
import { toItemId } from '../core/ids.ts';
import { seededRandom } from '../core/random.ts';
import { createLexicalIndex } from '../search/lexical-index.ts';
import { percentiles } from '../core/percentiles.ts';
import { messageOf } from './bench-measure.ts';
import type { LexicalBenchResult, LexicalBenchSpec } from './bench-types.ts';

/** Words a copy adds to its title, as a shop's variants and editions do. */
const VARIANTS = ['Mini', 'Travel Size', 'XL', 'Deluxe', 'Set of 2', 'Refill', 'Limited Edition', 'Pro', 'Kids', 'Value Pack', 'Classic', 'Navy', 'Coral'];

/**
 * `count` items from `base`: the base items in order, then copies (cycling through them) whose title
 * gains a seeded variant word and whose description loses one seeded word, so that copies are not
 * identical texts. Same base, count and seed: same catalogue.
 */
export function syntheticCatalogue(base: readonly CatalogItem[], count: number, seed: number): CatalogItem[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T | undefined => values[Math.floor(random() * values.length)];
  return Array.from({ length: base.length === 0 ? 0 : count }, (_, row) => {
    const item = base[row % base.length] as CatalogItem;
    if (row < base.length) return item;
    const words = item.description.split(' ');
    words.splice(Math.floor(random() * words.length), 1);
    return { ...item, id: toItemId(`${item.id}-${row}`), title: `${item.title} ${pick(VARIANTS) ?? ''}`.trim(), description: words.join(' '), group: null };
  });
}

/**
 * Calls `keystroke` with every prefix of every query (one letter more each time), `rounds` times over.
 * @returns each call's milliseconds.
 */
export function timeKeystrokes(queries: readonly string[], rounds: number, keystroke: (typed: string) => void): number[] {
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const query of queries) {
      for (let length = 1; length <= query.length; length++) {
        const typed = query.slice(0, length);
        const started = performance.now();
        keystroke(typed);
        times.push(performance.now() - started);
      }
    }
  }
  return times;
}

/** The demo model's catalogue (npm run models:demo), as the storefront reads it. */
async function demoCatalogue(): Promise<CatalogItem[]> {
  const file = '/models/demo/catalog.json';
  const response = await fetch(file);
  if (!response.ok) throw new Error(`${file}: HTTP ${response.status} (run npm run models:demo)`);
  const json: unknown = await response.json();
  const items = (json as { items?: unknown }).items;
  return parseCatalog(json, Array.isArray(items) ? items.length : 0, file);
}

/** See LexicalBenchSpec. */
export async function runLexicalCase(spec: LexicalBenchSpec): Promise<LexicalBenchResult> {
  try {
    const items = syntheticCatalogue(await demoCatalogue(), spec.count, spec.seed);
    const started = performance.now();
    const index = createLexicalIndex(items);
    const buildMs = performance.now() - started;
    const keystroke = (typed: string): void => {
      index.suggest(typed, spec.suggestions);
    };
    // One untimed pass, so that the first keystrokes do not also time the engine's warm-up.
    timeKeystrokes(spec.queries, 1, keystroke);
    const times = timeKeystrokes(spec.queries, spec.rounds, keystroke);
    const { medianMs, p95Ms } = percentiles(times);
    return { spec, status: 'ok', buildMs, keystrokes: times.length, keystrokeMedianMs: medianMs, keystrokeP95Ms: p95Ms };
  } catch (error) {
    return { spec, status: 'failed', reason: messageOf(error) };
  }
}
