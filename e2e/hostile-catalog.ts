// A small model whose catalogue text is hostile or odd: HTML and script payloads (in titles,
// descriptions, categories, ids and image paths), right-to-left and bidi-override text, emoji,
// combining marks, a 10,000-character title, and items with every optional field missing. It is
// written with the repository's own builder (src/offline/lib/write-model.ts, which also verifies it with
// core's loadModel) from hand-made unit vectors: no encoder needed. models/ is gitignored.
import { resolve } from 'node:path';
import { writeModel, type ModelItemInput } from '../src/offline/lib/write-model.ts';

/** The model folder name, for `?models=`. */
export const HOSTILE_MODEL = 'e2e-hostile';

/** Every payload sets this global if it ever runs; it must stay unset. */
export const XSS_FLAG = '__vitrineXss';

const xss = (where: string): string => `window.${XSS_FLAG}='${where}'`;

export const LONG_TITLE = 'A'.repeat(10_000);
const LONG_WORDS = Array.from({ length: 1_000 }, (_, i) => `word${i % 10}`)
  .join(' ')
  .slice(0, 10_000);

/** The catalogue, in row order. Titles must be non-empty (the format requires them). */
export const HOSTILE_ITEMS: readonly ModelItemInput[] = [
  { id: 'long-title', title: LONG_TITLE, category: 'Long', description: LONG_WORDS, price: 1, image: 'images/none.svg' },
  {
    id: 'xss-img',
    title: `<img src=x onerror="${xss('title-img')}">`,
    category: '<b>Bold</b> & <i>co</i>',
    description: `<script>${xss('description-script')}</script>`,
    price: 19.99,
    image: `x" onerror="${xss('image-attribute')}`,
  },
  {
    id: 'xss-script',
    title: `<script>${xss('title-script')}</script>Plain after`,
    category: 'Toys',
    description: `<iframe src="javascript:${xss('iframe')}"></iframe>`,
    price: 5,
    image: `javascript:${xss('image-url')}`,
  },
  {
    id: 'xss-svg',
    title: `<svg/onload=${xss('svg')}>`,
    category: 'Toys',
    description: `"><img src=x onerror=${xss('description-img')}>`,
    price: 7.5,
    image: 'https://tracker.invalid/pixel.gif',
  },
  {
    id: `"><img src=x onerror=${xss('id')}>`,
    title: 'An item whose id is markup',
    category: 'Toys',
    description: 'The id goes into data-item-id and IndexedDB.',
    price: 3,
    image: null,
  },
  { id: 'css', title: '</style><style>body{display:none}</style>', category: 'Long', description: '<style>*{color:red}</style>', price: 2, image: null },
  {
    id: 'template',
    title: '{{constructor.constructor("alert(1)")()}} ${alert(1)} <%= 7*7 %>',
    category: 'Toys',
    description: 'javascript:alert(1)',
    price: 4,
    image: null,
  },
  { id: 'entities', title: '&lt;b&gt;not bold&lt;/b&gt; &amp; &#x3C;script&#x3E;', category: 'Toys', description: '&nbsp;&copy;', price: 4.25, image: null },
  {
    id: 'rtl',
    title: 'سماعات رأس لاسلكية مع إلغاء الضوضاء',
    category: 'إلكترونيات',
    description: 'אוזניות אלחוטיות עם ביטול רעשים, סוללה ל־30 שעות.',
    price: 249.5,
    image: null,
  },
  {
    id: 'bidi',
    title: 'Invoice \u202Efdp.exe and more text after the override',
    category: 'إلكترونيات',
    description: 'Mixed: English then עברית then English.',
    price: 12,
    image: null,
  },
  { id: 'emoji', title: `👩‍👩‍👧‍👦 Family pack 🎉🛒✨ ${'🧪'.repeat(60)}`, category: '🎁 Gifts', description: '🏳️‍🌈 🇺🇦 🧑🏽‍💻', price: 30, image: null },
  { id: 'zalgo', title: 'Z̸̢̛̖̦͈̈́͌̐ͅa̵̡̛͍̺̓̊l̴̢̛̗̈́g̶̱̈o̸̧̓ text with combining marks', category: '🎁 Gifts', description: 'Ḁ̶̛̮̳̳̫̰̣͌̈́͘', price: 8, image: null },
  {
    id: 'zero-width',
    title: '\u200B\u200B\u200BZero\u200Bwidth\uFEFF joiners\u200D',
    category: 'Toys',
    description: '\u2028line separator\u2029paragraph separator',
    price: 1.5,
    image: null,
  },
  { id: 'newlines', title: 'Line one\nLine two\r\n\tTabbed line', category: 'Toys', description: 'First\n\nSecond paragraph', price: 6, image: null },
  { id: 'missing', title: 'An item with nothing but a title' },
  { id: 'missing-2', title: 'Another bare item', category: null, description: null, price: null, image: null },
  { id: 'huge-price', title: 'Very expensive', category: 'Long', description: 'A price with many digits.', price: 123_456_789_012.99, image: null },
  { id: 'zero-price', title: 'Free', category: 'Long', description: '', price: 0, image: '' },
  {
    id: 'long-category',
    title: 'A category of 500 characters',
    category: 'C'.repeat(500),
    description: 'The category is shown on the card and put in data-category.',
    price: 9,
    image: null,
  },
  { id: 'plain-1', title: 'Plain enamel mug', category: 'Kitchen', description: 'A mug.', price: 9.5, image: null },
  { id: 'plain-2', title: 'Plain tea towel', category: 'Kitchen', description: 'A towel.', price: 4, image: null },
  { id: 'plain-3', title: 'Plain wooden spoon', category: 'Kitchen', description: 'A spoon.', price: 2.5, image: null },
];

const DIM = 8;

/** Unit vectors: one main axis per item plus a smaller second one, so rows differ. */
function vectors(count: number): Float32Array {
  const out = new Float32Array(count * DIM);
  for (let row = 0; row < count; row++) {
    const v = new Float32Array(DIM);
    v[row % DIM] = 1;
    v[(row * 3 + 1) % DIM] = (v[(row * 3 + 1) % DIM] ?? 0) + 0.5;
    const norm = Math.hypot(...v);
    out.set(
      v.map((x) => x / norm),
      row * DIM,
    );
  }
  return out;
}

/** Writes models/e2e-hostile (atomically, verified by the builder); cheap enough to run per worker. */
export async function buildHostileModel(): Promise<void> {
  await writeModel({
    outDir: resolve(import.meta.dirname, '..', 'models', HOSTILE_MODEL),
    catalogId: HOSTILE_MODEL,
    items: HOSTILE_ITEMS,
    vectors: vectors(HOSTILE_ITEMS.length),
    dim: DIM,
    // Descending, so the first-visit order is the row order: the long title comes first.
    popularity: Float32Array.from(HOSTILE_ITEMS, (_, i) => 1 - i / HOSTILE_ITEMS.length),
    encoder: { name: 'hand-made unit vectors (e2e fixture)', version: '1' },
    // The hand-made vectors repeat every DIM rows; those items are not variants of each other, so
    // the grid must not collapse them by vector similarity (variant collapsing): every item is shown.
    rules: { diversity: { variantSimilarity: null } },
    createdAt: new Date(0),
  });
}
