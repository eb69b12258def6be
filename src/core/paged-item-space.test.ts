// The paged item space against core's reference space over the whole vectors: with a re-rank as deep
// as the catalogue the codes only choose what is fetched, so every answer must be the exact one.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIOR_WEIGHT } from './constants.ts';
import { createPagedItemSpace, pagedSpaceOf, pagedSpaceReason } from './paged-item-space.ts';
import { createPagedSemanticScan } from './paged-semantic-scan.ts';
import { loggingSource, pagedModelFiles } from './paged-test-support.ts';
import { loadModel, type LoadedModel } from './model.ts';
import { codeCosine, dotTable, scoreCodes } from './product-quantiser.ts';
import { gramMatrix, scoreAll, topK, updateInterest } from './rank.ts';
import { createReferenceSpace, memoryModelSource } from './test-support.ts';
import { isPagedMatrix, type PagedItemMatrix } from './paged-matrix.ts';
import type { PagedItems } from './vector-pages.ts';

const COUNT = 120;
const DIM = 8;

async function models(rerank: number) {
  const { files, pagePaths } = await pagedModelFiles({ count: COUNT, dim: DIM, layout: { subspaces: 4, rowsPerPage: 16, rerank, hotRows: 0 } });
  const source = loggingSource(files);
  const paged = await loadModel(source, undefined, { pagedVectors: true });
  const whole = await loadModel(memoryModelSource(files));
  const matrix = paged.matrix as PagedItemMatrix;
  if (!isPagedMatrix(matrix) || paged.paged === undefined || paged.paged === null) throw new Error('the fixture is not paged');
  const items: PagedItems = paged.paged;
  // As the storefront makes it: the re-rank is the layout's.
  const space = pagedSpaceOf(paged, DEFAULT_PRIOR_WEIGHT);
  if (space === null) throw new Error('the fixture has no paged space');
  const pagesRead = (): number => source.reads.filter((path) => pagePaths.includes(path)).length;
  return { paged, whole, matrix, items, space, pagesRead, reference: createReferenceSpace(whole, DEFAULT_PRIOR_WEIGHT) };
}

const interestOf = (model: LoadedModel, rows: readonly number[]): Float32Array =>
  updateInterest(
    new Float32Array(DIM),
    0,
    rows.map((row) => ({ kind: 'row', row, weight: 1 }) as const),
    model.vectors,
    DIM,
  );

describe('pagedSpaceOf', () => {
  it('gives no paged space for a model read whole', async () => {
    const { whole } = await models(COUNT);
    expect(pagedSpaceOf(whole, DEFAULT_PRIOR_WEIGHT)).toBeNull();
  });

  it('ranks exactly as the whole space when the re-rank covers the catalogue', async () => {
    const { whole, space, reference } = await models(COUNT);
    for (const rows of [[3], [10, 77], [5, 6, 100]]) {
      const interest = interestOf(whole, rows);
      const excluded = new Set(rows);
      expect(await space.topK(interest, 10, excluded)).toEqual(await reference.topK(interest, 10, excluded));
    }
  });

  it('re-scores the codes’ best candidates from their pages, so a shallow re-rank fetches fewer pages', async () => {
    const deep = await models(COUNT);
    const shallow = await models(10);
    const interest = interestOf(deep.whole, [42]);
    await deep.space.topK(interest, 5, new Set());
    await shallow.space.topK(interest, 5, new Set());
    expect(deep.pagesRead()).toBe(8);
    expect(shallow.pagesRead()).toBeLessThan(8);
    expect(shallow.pagesRead()).toBeGreaterThan(0);
  });

  it('re-scores every row of the pages it fetched, not only the codes’ candidates', async () => {
    // A re-rank of 1: the codes' best row alone is a candidate, and its page of 16 rows is fetched.
    const { whole, items, space, pagesRead } = await models(1);
    const prior = whole.popularity;
    let pageBeatCandidate = 0;
    for (const rows of [[3], [10, 77], [5, 6, 100], [33], [90, 91]]) {
      const interest = interestOf(whole, rows);
      const codes = scoreCodes(dotTable(items.quantiser, interest), items.codes, items.quantiser.subspaces, prior, DEFAULT_PRIOR_WEIGHT);
      const [candidate = -1] = topK(codes, 1, new Set()).rows;
      const exact = scoreAll(whole.vectors, DIM, interest, prior, DEFAULT_PRIOR_WEIGHT);
      const page = Array.from({ length: 16 }, (_, i) => Math.floor(candidate / 16) * 16 + i);
      const best = page.reduce((a, b) => ((exact[b] ?? 0) > (exact[a] ?? 0) ? b : a));
      expect((await space.topK(interest, 1, new Set())).rows).toEqual([best]);
      if (best !== candidate) pageBeatCandidate++;
    }
    // The fixture must hold cases where the page's best is not the codes' candidate, or this shows nothing.
    expect(pageBeatCandidate).toBeGreaterThan(0);
    expect(pagesRead()).toBeLessThanOrEqual(5);
  });

  it('ranks a new shopper (no interest) by the prior without fetching a page', async () => {
    const { space, reference, pagesRead } = await models(COUNT);
    const none = new Float32Array(DIM);
    expect(await space.topK(none, 12, new Set())).toEqual(await reference.topK(none, 12, new Set()));
    expect(pagesRead()).toBe(0);
  });

  it('moves the interest as the reference does, fetching only the pages of the rows it names', async () => {
    const { whole, space, pagesRead } = await models(COUNT);
    const start = interestOf(whole, [1]);
    const terms = [
      { kind: 'row', row: 70, weight: 2 },
      { kind: 'vector', vector: interestOf(whole, [2]), weight: 0.5 },
    ] as const;
    expect(await space.update(start, 0.7, terms)).toEqual(updateInterest(start, 0.7, terms, whole.vectors, DIM));
    expect(pagesRead()).toBe(1);
  });

  it('gives the rows’ cosines as the reference does', async () => {
    const { whole, space } = await models(COUNT);
    expect(await space.similarities([0, 50, 119])).toEqual(gramMatrix(whole.vectors, DIM, [0, 50, 119]));
  });

  it('scores the codes with the scorer it is given, once a ranking, and counts its memory instead of the codes', async () => {
    const { whole, paged, reference } = await models(COUNT);
    const tables: Float32Array[] = [];
    const codes = paged.paged?.codes ?? new Uint8Array(0);
    const quantiser = paged.paged?.quantiser;
    if (quantiser === undefined) throw new Error('the fixture is not paged');
    const scorer = {
      bytes: 12_345,
      score(table: Float32Array) {
        tables.push(table);
        return scoreCodes(table, codes, quantiser.subspaces, whole.popularity, DEFAULT_PRIOR_WEIGHT);
      },
    };
    const space = pagedSpaceOf(paged, DEFAULT_PRIOR_WEIGHT, scorer);
    if (space === null) throw new Error('the fixture has no paged space');
    expect(space.backend).toBe('wasm');
    const interest = interestOf(whole, [3, 40]);
    expect(await space.topK(interest, 10, new Set())).toEqual(await reference.topK(interest, 10, new Set()));
    expect(tables).toEqual([dotTable(quantiser, interest)]);
    expect(space.memory()).toMatchObject({ tableBytes: quantiser.codebooks.byteLength, backendBytes: 12_345 });
    expect(pagedSpaceReason(scorer)).toBe(
      'a paged catalogue is scored from its codes (in a WebAssembly kernel), with its best candidates re-scored from their pages',
    );
    expect(pagedSpaceReason(undefined)).toBe('a paged catalogue is scored from its codes (in JavaScript), with its best candidates re-scored from their pages');
  });

  it('counts the loaded pages and the codes in its memory', async () => {
    const { space, matrix, items } = await models(COUNT);
    await matrix.load([0, 17]);
    const memory = space.memory();
    // Plain JavaScript on the page's thread: no compute backend holds anything.
    expect(space.backend).toBe('cpu');
    expect(memory.backendBytes).toBe(0);
    expect(memory.matrixBytes).toBe(2 * 16 * DIM * 4 + COUNT * 4);
    expect(memory.tableBytes).toBe(COUNT * 4 + items.quantiser.codebooks.byteLength);
  });
});

describe('createPagedSemanticScan', () => {
  it('gives the codes’ cosines of the codes’ best rows above the floor, and of the rows asked for, fetching no page', async () => {
    const { whole, items, pagesRead } = await models(COUNT);
    const query = interestOf(whole, [9, 60]);
    const scan = createPagedSemanticScan(items)(query, COUNT);
    const cosine = codeCosine(items.quantiser, items.codes, query);
    const byCosine = (rows: readonly number[]) =>
      rows.map((row) => ({ row, similarity: cosine(row) })).sort((a, b) => b.similarity - a.similarity || a.row - b.row);
    const all = byCosine(Array.from({ length: COUNT }, (_, row) => row));
    // Every row is a candidate here: the floor is inclusive, and at most the number asked for come back.
    const third = all[2]?.similarity ?? Number.NaN;
    expect(scan.above(query, third, 30)).toEqual(all.slice(0, 3));
    expect(scan.above(query, 0.2, 30)).toEqual(all.filter(({ similarity }) => similarity >= 0.2).slice(0, 30));
    expect(scan.above(query, -1, 2)).toEqual(all.slice(0, 2));
    expect(scan.among(query, [110, 4])).toEqual(byCosine([110, 4]));
    // Fewer candidates than rows: the codes' best by dot product, ordered by cosine.
    const dots = scoreCodes(dotTable(items.quantiser, query), items.codes, items.quantiser.subspaces);
    const bestTen = Array.from({ length: COUNT }, (_, row) => row)
      .sort((a, b) => (dots[b] ?? 0) - (dots[a] ?? 0) || a - b)
      .slice(0, 10);
    expect(createPagedSemanticScan(items)(query, 10).above(query, -1, 10)).toEqual(byCosine(bestTen));
    expect(pagesRead()).toBe(0);
  });

  it('finds nothing for a zero query, and refuses a query of the wrong length', async () => {
    const { items } = await models(COUNT);
    const prepare = createPagedSemanticScan(items);
    const scan = prepare(new Float32Array(DIM), 30);
    expect(scan.above(new Float32Array(DIM), -1, 30)).toEqual([]);
    expect(scan.among(new Float32Array(DIM), [1, 2])).toEqual([]);
    expect(() => prepare(new Float32Array(DIM + 1), 30)).toThrow(/the query vector has 9 values, the item space 8/);
  });
});

describe('a paged space reading ahead', () => {
  /** A paged space over pages of `rowsPerPage` rows, a re-rank of 6, and what it read; `interest` as a shopper who viewed one row. */
  async function space(readAhead: { rows: number; pages: number }, rowsPerPage = 4, viewed = 42) {
    const { files, pagePaths } = await pagedModelFiles({ count: COUNT, dim: DIM, layout: { subspaces: 4, rowsPerPage, rerank: 6, hotRows: 0 } });
    const source = loggingSource(files);
    const paged = await loadModel(source, undefined, { pagedVectors: true });
    const { matrix, paged: items } = paged as LoadedModel & { matrix: PagedItemMatrix; paged: PagedItems };
    const prior = paged.popularity;
    const interest = interestOf(await loadModel(memoryModelSource(files)), [viewed]);
    const codes = scoreCodes(dotTable(items.quantiser, interest), items.codes, items.quantiser.subspaces, prior, DEFAULT_PRIOR_WEIGHT);
    return {
      space: createPagedItemSpace({ matrix, paged: items, prior, priorWeight: DEFAULT_PRIOR_WEIGHT, rerank: 6, readAhead }),
      bySpaceOf: pagedSpaceOf(paged, DEFAULT_PRIOR_WEIGHT),
      source,
      interest,
      pageOf: (row: number) => pagePaths[Math.floor(row / rowsPerPage)] ?? '',
      pagesRead: (): string[] => source.reads.filter((path) => pagePaths.includes(path)),
      codesRanking: (excluded: ReadonlySet<number>) => topK(codes, 20, excluded).rows,
    };
  }

  it('reads ahead, once and in the background, the pages of the rows the codes rank just below its last ranking’s candidates', async () => {
    const { space: paged, source, interest, pageOf, pagesRead, codesRanking } = await space({ rows: 5, pages: 5 });
    await paged.readAhead?.();
    expect(pagesRead()).toEqual([]);

    const excluded = new Set([42, 43]);
    await paged.topK(interest, 3, excluded);
    const byRanking = new Set(pagesRead());
    const expected = new Set(
      codesRanking(excluded)
        .slice(6, 11)
        .map(pageOf)
        .filter((path) => !byRanking.has(path)),
    );
    expect(expected.size).toBeGreaterThan(0);
    expect(source.background).toEqual([]);
    await paged.readAhead?.();
    expect(new Set(pagesRead().slice(byRanking.size))).toEqual(expected);
    // In the background: behind the pages a ranking waits for.
    expect(new Set(source.background)).toEqual(expected);
    // Once: a second call, and one after a ranking without an interest, read nothing.
    const read = pagesRead().length;
    await paged.readAhead?.();
    await paged.topK(new Float32Array(DIM), 3, new Set());
    await paged.readAhead?.();
    expect(pagesRead()).toHaveLength(read);
  });

  it('reads ahead at most its number of pages, those of the likeliest rows not on hand, each page once', async () => {
    const { space: paged, source, interest, pageOf, pagesRead, codesRanking } = await space({ rows: 14, pages: 3 }, 6, 77);
    await paged.topK(interest, 3, new Set());
    const onHand = new Set(pagesRead());
    const below = codesRanking(new Set()).slice(6).map(pageOf);
    const notOnHand = [...new Set(below.filter((path) => !onHand.has(path)))];
    const beforeThird = below.slice(0, below.indexOf(notOnHand[2] ?? ''));
    // The fixture must hold, among the likeliest rows, one whose page is on hand and two sharing a page, and more pages than the three read.
    expect(beforeThird.some((path) => onHand.has(path))).toBe(true);
    expect(new Set(beforeThird.filter((path) => !onHand.has(path))).size).toBeLessThan(beforeThird.filter((path) => !onHand.has(path)).length);
    expect(notOnHand.length).toBeGreaterThan(3);
    await paged.readAhead?.();
    expect(source.background).toEqual(notOnHand.slice(0, 3));
  });

  it('as the storefront makes it, reads ahead every page the ranking left when the catalogue is smaller than what it reads ahead', async () => {
    const { bySpaceOf, source, interest, pagesRead } = await space({ rows: 0, pages: 0 });
    if (bySpaceOf === null) throw new Error('the fixture has no paged space');
    await bySpaceOf.topK(interest, 3, new Set());
    const byRanking = pagesRead().length;
    expect(byRanking).toBeLessThan(COUNT / 4);
    await bySpaceOf.readAhead?.();
    // 400 rows below the candidates (READ_AHEAD_ROWS) reach every one of 30 pages, 64 of which (READ_AHEAD_PAGES) may be read.
    expect(source.background).toHaveLength(COUNT / 4 - byRanking);
  });
});
