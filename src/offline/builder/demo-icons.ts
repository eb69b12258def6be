/**
 * The pictures of the demo's products: each product type (a noun of demo-vocab.ts) is drawn with
 * an outline icon of Tabler Icons (MIT licence, the `@tabler/icons` dev dependency), read from its
 * SVG file at build time. Which icon draws which type is the table in demo-type-icons.ts.
 * demo-catalog.ts composes and colours it per product.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecError } from '../../core/errors.ts';
import { REPO_ROOT } from '../lib/paths.ts';
import { DEMO_TYPE_ICONS } from './demo-type-icons.ts';

/** Where the icon set's outline SVG files are. */
export const DEMO_ICON_DIR = join(REPO_ROOT, 'node_modules', '@tabler', 'icons', 'icons', 'outline');

const cache = new Map<string, string>();

/**
 * The drawing of a product type: the icon's shapes without the file's `<svg>` wrapper and its
 * invisible 24 x 24 bounding box, to be placed in a product's image.
 * @param type a product type (a noun of demo-vocab.ts).
 * @returns SVG elements in a 24 x 24 box, stroked with currentColor.
 * @throws RecError CONFIG_INVALID when the type has no icon or its file is missing (the dev
 *   dependency not installed).
 */
export function demoTypeIcon(type: string): string {
  const name = DEMO_TYPE_ICONS[type];
  if (name === undefined) throw new RecError('CONFIG_INVALID', `demo product type "${type}" has no icon in DEMO_TYPE_ICONS (demo-type-icons.ts)`);
  const known = cache.get(name);
  if (known !== undefined) return known;
  const file = join(DEMO_ICON_DIR, `${name}.svg`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RecError('CONFIG_INVALID', `the demo's icon ${file} cannot be read (is @tabler/icons installed? npm install)`, {}, { cause: error });
  }
  const shapes = [...text.matchAll(/<(path|circle|rect|line|polyline|polygon|ellipse)\b[^>]*\/>/g)]
    .map(([element]) => element.replace(/\s+/g, ' '))
    .filter((element) => !element.includes('stroke="none"'));
  if (shapes.length === 0) throw new RecError('CONFIG_INVALID', `the demo's icon ${file} has no shapes`);
  const drawing = shapes.join('');
  cache.set(name, drawing);
  return drawing;
}
