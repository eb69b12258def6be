/**
 * The default demo catalogue: a deterministic generator of a department-coherent shop (2,400
 * products over fourteen departments), its per-item images (as SVG; demo-raster.ts renders each
 * to the PNG the model folder holds) and a popularity prior.
 * It owns only the *content*; embedding and writing the model are embed.ts and write-model.ts.
 * Determinism matters: the demo model is rebuilt only when this output changes (build-demo.ts
 * hashes it), and tests compare two runs. Randomness comes from one seeded faker instance (used
 * for choices, colours and surnames only); the words come from demo-vocab.ts.
 *
 * It also carries what a shop's grid must respect, so the storefront shows it: every
 * DEMO_VARIANT_EVERY-th product is a variant (another colour or size) of the previous product of its
 * department, sharing its `group`; every DEMO_OUT_OF_STOCK_EVERY-th is out of stock; and the
 * catalogue's rules pin one product, cap a department in the first row and make groceries and pet
 * food consumables. These are chosen by row, not drawn from faker, so every other product is the
 * same as before they existed (and its embedding stays cached).
 */
import { Faker, base, en } from '@faker-js/faker';
import { demoTypeIcon } from './demo-icons.ts';
import { DEMO_DEPARTMENTS, type DemoDepartment, type DemoPicks } from './demo-vocab.ts';
import type { ShopRulesJson } from '../../core/shop-rules.ts';

/** Seed of the default demo catalogue. */
export const DEMO_SEED = 20_240_611;
/** Number of products in the default demo catalogue. */
export const DEMO_ITEM_COUNT = 2400;
/** Bump when the generator changes in a way its output hash would not show (it always shows today). */
export const DEMO_GENERATOR_VERSION = 1;
/** Row r is a variant of the previous product of its department when r % this === this - 1. */
export const DEMO_VARIANT_EVERY = 20;
/** Row r is out of stock when r % this === 7. */
export const DEMO_OUT_OF_STOCK_EVERY = 50;
/** The product the demo shop pins, and where (0-based position). */
export const DEMO_PINNED = { item: 'p0042', position: 2 } as const;
/** The variant labels, by variant number. */
const VARIANT_LABELS = ['Slate Grey', 'Sage Green', 'Large', 'Ocean Blue', 'Compact', 'Sand', 'Charcoal', 'Coral'] as const;

/** One demo product; the fields of core's CatalogItem, all present. */
export interface DemoItem {
  readonly id: string;
  readonly title: string;
  readonly category: string;
  readonly description: string;
  readonly price: number;
  /** Relative to the model folder: `images/<id>.png`. */
  readonly image: string;
  /** Variant group (the id of the group's first product); absent for products without variants. */
  readonly group?: string;
  /** Present (false) only for products out of stock. */
  readonly inStock?: false;
}

/** A generated image: where its PNG goes, relative to the model folder, and the SVG it is rendered from. */
export interface DemoImage {
  readonly path: string;
  readonly svg: string;
}

export interface DemoCatalog {
  readonly items: readonly DemoItem[];
  /** One image per item, in item order; `images[i].path === items[i].image`. */
  readonly images: readonly DemoImage[];
  /** One Zipf-like prior in (0, 1] per item, in item order; the most popular item has 1. */
  readonly popularity: Float32Array;
  /** Department names in display order. */
  readonly departments: readonly string[];
  /** The shop rules written into catalog.json (core/shop-rules.ts). */
  readonly rules: ShopRulesJson;
}

export interface DemoCatalogOptions {
  /** Number of items (default DEMO_ITEM_COUNT). */
  readonly count?: number;
  /** Seed (default DEMO_SEED). */
  readonly seed?: number;
}

const BRANDS_PER_DEPARTMENT = 6;
/** Popularity of the item at rank r is ((K + 1) / (K + 1 + r)) ^ S: Zipf with a flattened head. */
const ZIPF_K = 10;
const ZIPF_S = 1;

/**
 * Generates the demo catalogue. Same options, same output, byte for byte.
 * @param options item count and seed.
 */
export function generateDemoCatalog(options: DemoCatalogOptions = {}): DemoCatalog {
  const count = options.count ?? DEMO_ITEM_COUNT;
  const faker = new Faker({ locale: [en, base] });
  faker.seed(options.seed ?? DEMO_SEED);
  const pick = <T>(values: readonly T[]): T => faker.helpers.arrayElement(values as T[]);

  const brands = DEMO_DEPARTMENTS.map(() => faker.helpers.uniqueArray(() => faker.person.lastName().split(/[\s-]/)[0] ?? 'Vitrine', BRANDS_PER_DEPARTMENT));
  // Balanced departments, shuffled so that ids (and any id-ordered listing) mix departments.
  const departmentOfRow = faker.helpers.shuffle(Array.from({ length: count }, (_, i) => i % DEMO_DEPARTMENTS.length));

  const titles = new Set<string>();
  const items: DemoItem[] = [];
  const images: DemoImage[] = [];
  /** Per department, its latest product that is not a variant and how its image was drawn (a variant's base). */
  const latest = new Map<number, { row: number; noun: string; hueShift: number; lightness: number }>();
  for (let row = 0; row < count; row++) {
    const d = departmentOfRow[row] ?? 0;
    const department = DEMO_DEPARTMENTS[d] as DemoDepartment;
    const id = `p${String(row + 1).padStart(4, '0')}`;
    let title = '';
    let picks: DemoPicks | undefined;
    let priceRange = { min: 1, max: 2 };
    // Retry a few times for a title no other item has; the last try wins either way.
    for (let attempt = 0; attempt < 12; attempt++) {
      const noun = pick(department.nouns);
      const [feature, feature2] = faker.helpers.arrayElements((noun.features ?? department.features) as string[], 2);
      picks = {
        noun: noun.noun,
        adjective: pick(department.adjectives),
        material: pick(noun.materials ?? department.materials),
        feature: feature ?? '',
        feature2: feature2 ?? feature ?? '',
        use: pick(department.uses),
        closing: pick(department.closings),
        colour: faker.color.human(),
        person: `${faker.person.firstName()} ${faker.person.lastName()}`,
        small: faker.number.int({ min: 2, max: 5 }),
      };
      priceRange = noun;
      const suffix = department.titleSuffixes === undefined ? '' : pick(department.titleSuffixes);
      const brand = department.branded ? `${pick(brands[d] ?? [])} ` : '';
      const byline = department.branded ? '' : ` by ${picks.person}`;
      title = `${brand}${picks.adjective} ${picks.noun}${suffix === '' ? '' : ` ${suffix}`}${byline}`;
      if (!titles.has(title)) break;
    }
    titles.add(title);
    const p = picks as DemoPicks;
    let item: DemoItem = {
      id,
      title,
      category: department.name,
      description: department.describe(p),
      price: demoPrice(priceRange.min, priceRange.max, faker.number.float({ min: 0, max: 1 }), pick([0.99, 0.99, 0.49, 0])),
      image: `images/${id}.png`,
    };
    let drawn = { row, noun: p.noun, hueShift: faker.number.int({ min: -14, max: 14 }), lightness: faker.number.int({ min: 38, max: 56 }) };
    const base = latest.get(d);
    const isVariant = row % DEMO_VARIANT_EVERY === DEMO_VARIANT_EVERY - 1 && base !== undefined;
    if (isVariant) {
      // The same product in another colour or size: the base's text with a label, its own id and image.
      const baseItem = items[base.row] as DemoItem;
      const group = baseItem.group ?? baseItem.id;
      items[base.row] = { ...baseItem, group };
      const label = VARIANT_LABELS[Math.floor(row / DEMO_VARIANT_EVERY) % VARIANT_LABELS.length] as string;
      item = { ...item, title: `${baseItem.title}, ${label}`, description: baseItem.description, price: baseItem.price, group };
      drawn = { ...base, row, hueShift: base.hueShift + 24 };
    }
    if (row % DEMO_OUT_OF_STOCK_EVERY === 7) item = { ...item, inStock: false };
    if (!isVariant) latest.set(d, drawn);
    items.push(item);
    images.push({ path: item.image, svg: renderItemSvg(item, department, drawn.noun, drawn.hueShift, drawn.lightness) });
  }

  const rankOfRow = faker.helpers.shuffle(Array.from({ length: count }, (_, i) => i));
  const popularity = new Float32Array(count);
  for (let row = 0; row < count; row++) {
    popularity[row] = ((ZIPF_K + 1) / (ZIPF_K + 1 + (rankOfRow[row] ?? 0))) ** ZIPF_S;
  }
  // Small catalogues (tests) may lack the pinned product or a department: rules may name only what exists.
  const has = (category: string): boolean => items.some((item) => item.category === category);
  const rules: ShopRulesJson = {
    pin: items.some((item) => item.id === DEMO_PINNED.item) ? [DEMO_PINNED] : [],
    firstRow: { size: 4, maxPerCategory: 2 },
    repurchase: [
      { category: 'Grocery', afterDays: 14 },
      { category: 'Pet Supplies', afterDays: 30 },
    ].filter((rule) => has(rule.category)),
  };
  return { items, images, popularity, departments: DEMO_DEPARTMENTS.map((department) => department.name), rules };
}

/** Log-uniform price in [min, max] with a shop-like ending, rounded to cents. */
function demoPrice(min: number, max: number, u: number, ending: number): number {
  const raw = min * (max / min) ** u;
  const price = raw < 1 ? raw : Math.floor(raw) + ending;
  return Math.round(Math.max(0.49, price) * 100) / 100;
}

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/**
 * Renders one product image: its product type's icon (demo-icons.ts) on a disc, in the
 * department's hue shifted a little per item (a variant, another colour, further), and the product
 * noun underneath. About 1 kB, well-formed XML.
 * @param item the product (title used as the accessible label).
 * @param department its department.
 * @param noun the product type, drawn and shown under the icon.
 * @param hueShift degrees added to the department hue.
 * @param lightness lightness (%) of the icon's strokes.
 */
export function renderItemSvg(item: DemoItem, department: DemoDepartment, noun: string, hueShift: number, lightness: number): string {
  const hue = (department.hue + hueShift + 360) % 360;
  const fontSize = Math.min(22, Math.floor(560 / Math.max(1, noun.length)));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="320" viewBox="0 0 320 320" role="img" aria-label="${escapeXml(item.title)}">`,
    `<rect width="320" height="320" fill="hsl(${hue},60%,94%)"/>`,
    `<circle cx="160" cy="132" r="98" fill="hsl(${hue},62%,84%)"/>`,
    // The icon's 24 x 24 box scaled to 156 px, centred on the disc.
    `<g transform="translate(82 54) scale(6.5)" fill="none" stroke="hsl(${hue},58%,${lightness - 10}%)" stroke-width="1.4" stroke-linecap="round" stroke-linejoin="round">`,
    demoTypeIcon(noun),
    '</g>',
    `<text x="160" y="276" text-anchor="middle" font-family="system-ui,sans-serif" font-size="${fontSize}" fill="hsl(${hue},45%,24%)">${escapeXml(noun)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
