import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RecError } from '../../../core/errors.ts';
import { escapeXml, generateDemoCatalog } from '../../builder/demo-catalog.ts';
import { DEMO_DEPARTMENTS } from '../../builder/demo-vocab.ts';
import { DEMO_QUERIES_FILE, demoQueries, demoTypeMatcher, parseDemoQueries } from './demo-types.ts';

const file = parseDemoQueries(JSON.parse(readFileSync(DEMO_QUERIES_FILE, 'utf8')), DEMO_QUERIES_FILE);

describe('the demo query file', () => {
  it("lists exactly the generator's product types", () => {
    expect(file.types).toEqual(DEMO_DEPARTMENTS.flatMap((department) => department.nouns.map((noun) => noun.noun)));
  });

  it('holds at least 60 distinct queries, each with at least one relevant type', () => {
    expect(new Set(file.queries.map((query) => query.query)).size).toBe(file.queries.length);
    expect(file.queries.length).toBeGreaterThanOrEqual(60);
    for (const query of file.queries) expect(query.relevantTypes.length).toBeGreaterThan(0);
  });

  it('is refused with a type it does not list', () => {
    const bad = { types: ['Sofa'], queries: [{ query: 'couch', relevantTypes: ['Settee'] }] };
    expect(() => parseDemoQueries(bad, 'q.json')).toThrow(RecError);
    expect(() => parseDemoQueries(bad, 'q.json')).toThrow(/"Settee" is not one of the listed types/);
  });
});

describe('demoTypeMatcher', () => {
  it('maps every generated demo product to the noun its generator drew (shown on its image)', () => {
    const catalog = generateDemoCatalog();
    const typeOf = demoTypeMatcher(file.types);
    catalog.items.forEach((item, i) => {
      const type = typeOf(item.title);
      expect(type, item.title).not.toBeNull();
      expect(catalog.images[i]?.svg, item.title).toContain(`>${escapeXml(type ?? '')}</text>`);
    });
  });

  it('prefers the longest type and matches whole words only', () => {
    const typeOf = demoTypeMatcher(['Running Shoes', 'Trail Running Shoes', 'Stacking Ring', 'Stacking Rings', 'Football']);
    expect(typeOf('Acme Cushioned Trail Running Shoes, Large')).toBe('Trail Running Shoes');
    expect(typeOf('Acme Light Running Shoes')).toBe('Running Shoes');
    expect(typeOf('Acme Bright Stacking Rings')).toBe('Stacking Rings');
    expect(typeOf('Acme Footballs')).toBeNull();
  });
});

describe('demoQueries', () => {
  it('gives each query the rows of its types, or null for a catalogue that is not the demo', () => {
    const tiny = { types: ['Sofa', 'Armchair', 'Desk Lamp'], queries: [{ query: 'somewhere to sit', relevantTypes: ['Sofa', 'Armchair'] }] };
    expect(demoQueries(['A Modern Sofa', 'B Desk Lamp', 'C Rustic Armchair', 'D Velvet Sofa'], tiny)).toEqual([
      { query: 'somewhere to sit', relevant: [0, 3, 2] },
    ]);
    expect(demoQueries(['A Modern Sofa', 'Nail lacquer'], tiny)).toBeNull();
  });
});
