// The README's copy-paste examples, read as written, so the tests run what a shop developer copies.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * @param marker the name in the README's `<!-- name -->` … `<!-- /name -->` comments around the example.
 * @returns the HTML inside the example's code fence.
 */
export function readmeExample(marker: string): string {
  const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');
  const found = new RegExp(`<!-- ${marker} -->\\s*\`\`\`html\\n([\\s\\S]*?)\`\`\`\\s*<!-- /${marker} -->`).exec(readme);
  if (found?.[1] === undefined) throw new Error(`README.md has no ${marker} section`);
  return found[1];
}
