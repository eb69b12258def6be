/**
 * Which query sets run on a folder, built from it, and why the others do not. The category set
 * runs only where the label is hidden from both retrievers: its lexical index leaves the category
 * field out, and the folder's item vectors must have been embedded from a text without categories.
 */
import type { LexicalField } from '../../../search/lexical-index.ts';
import type { SetName } from './cli-options.ts';
import { demoQueries, type DemoQueryFile } from './demo-types.ts';
import type { QuerySet } from './evaluate-search.ts';
import type { SearchFolder } from './model-folder.ts';
import { categoryQueries, knownItemQueries, MIN_CATEGORY_ITEMS, randomQueries, TYPO_MIN_LETTERS } from './query-sets.ts';

const ALL_FIELDS: readonly LexicalField[] = ['title', 'category', 'description'];
const WITHOUT_CATEGORY: readonly LexicalField[] = ['title', 'description'];

export interface SetPlan {
  readonly sets: readonly (QuerySet & { readonly how: string })[];
  readonly skipped: readonly string[];
}

export interface PlanOptions {
  readonly sets: readonly SetName[];
  readonly knownItems: number;
  readonly randomQueries: number;
  readonly seed: number;
  readonly demo: DemoQueryFile;
}

/**
 * @param folder the model folder.
 * @param options which sets, their sizes and seed, and the demo queries.
 */
export function planSets(folder: SearchFolder, options: PlanOptions): SetPlan {
  const titles = folder.model.items.map((item) => item.title);
  const sets: (QuerySet & { how: string })[] = [];
  const skipped: string[] = [];
  for (const name of options.sets) {
    if (name === 'category') {
      if (folder.leafCategories === null) skipped.push('category: the catalogue has no categories');
      else if (folder.embedsCategories)
        skipped.push(`category: the item vectors were embedded from \`${folder.textTemplate}\`, which holds the categories (the label)`);
      else {
        const queries = categoryQueries(folder.leafCategories);
        const how = `the name of each leaf category with at least ${MIN_CATEGORY_ITEMS} items (of ${new Set(folder.leafCategories.filter((leaf) => leaf !== null)).size}); relevant: its items; lexical index without the category field`;
        sets.push({ name, queries, fields: WITHOUT_CATEGORY, how });
      }
    } else if (name === 'known-item') {
      const how = `3 or 4 consecutive title words with one typo (one edit in a word of at least ${TYPO_MIN_LETTERS} letters), items drawn with seed ${options.seed}; relevant: that item`;
      sets.push({ name, queries: knownItemQueries(titles, options.knownItems, options.seed), fields: ALL_FIELDS, how });
    } else if (name === 'demo') {
      const queries = demoQueries(titles, options.demo);
      if (queries === null) skipped.push('demo: not the demo catalogue (some title has none of its product types)');
      else
        sets.push({
          name,
          queries,
          fields: ALL_FIELDS,
          how: 'hand-written shopping queries (demo-queries.json); relevant: the items of their labelled product types',
        });
    } else {
      const how = `lib's randomStrings (the floor calibration's generator: 1 to 4 words of letters, digits and symbols) with seed ${options.seed + 1}, not the calibration's; relevant: none`;
      sets.push({ name, queries: randomQueries(options.randomQueries, options.seed + 1), fields: ALL_FIELDS, how });
    }
  }
  return { sets, skipped };
}
