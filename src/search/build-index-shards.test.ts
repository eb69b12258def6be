// The streaming writer against its reference: the whole MiniSearch index serialised and cut up
// (splitIndex(indexJson(…))), byte for byte, on a catalogue with every kind of word the index treats apart.
import { describe, expect, it } from 'vitest';
import { parseCatalog, type CatalogItem } from '../core/catalog.ts';
import { DEMO_ITEM_COUNT, generateDemoCatalog } from '../offline/builder/demo-catalog.ts';
import { buildIndexShards } from './build-index-shards.ts';
import { splitIndex } from './index-shards.ts';
import { indexJson, type LexicalField, type Searched } from './lexical-index.ts';

const demo = parseCatalog({ items: generateDemoCatalog().items }, DEMO_ITEM_COUNT, 'demo catalogue');
/** Codes and sizes (hashed words), stop words and lone letters, a word repeated in a field, accents, and empty fields. */
const unusual: Searched[] = [
  { title: 'Label Maker 429561 the a of', category: 'Office', description: 'maker maker MAKER of labels' },
  { title: 'Crème brûlée set, 4 x ramekin', category: '', description: '' },
  { title: 'USB 3 Hub 2m', category: 'Électronique', description: '' },
  { title: 'Kettle 1.7 l 2200w', category: '', description: 'a kettle. A KETTLE!' },
];
const items: Searched[] = [...unusual, ...demo.map(({ title, category, description }: CatalogItem): Searched => ({ title, category, description }))];

const reference = (targetBytes: number, fields?: LexicalField[]) => {
  const { json, fields: indexed } = indexJson(items, fields === undefined ? {} : { fields });
  return splitIndex(json, indexed, targetBytes);
};

describe('buildIndexShards', () => {
  it.each([2048, 65_536])('writes the whole index’s files byte for byte, in shards closed at %i bytes', (targetBytes) => {
    const expected = reference(targetBytes);
    const built = buildIndexShards(items, {}, targetBytes);
    expect(built.shards.length).toBe(expected.shards.length);
    expect(new TextDecoder().decode(built.vocabulary)).toBe(new TextDecoder().decode(expected.vocabulary));
    built.shards.forEach((shard, i) => expect(shard).toEqual(expected.shards[i]));
  });

  it('indexes only the fields it is given, as the evaluation’s category-free index', () => {
    const expected = reference(4096, ['title', 'description']);
    const built = buildIndexShards(items, { fields: ['title', 'description'] }, 4096);
    expect(new TextDecoder().decode(built.vocabulary)).toBe(new TextDecoder().decode(expected.vocabulary));
    expect(built.shards).toEqual(expected.shards);
    expect(built.shards).not.toEqual(buildIndexShards(items, {}, 4096).shards);
  });
});
