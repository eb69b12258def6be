// The README's copy-paste examples, read as written, so the tests run what a shop developer copies.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * @param marker the name in the README's `<!-- name -->` … `<!-- /name -->` comments around the example.
 * @param language the code fence's language, when the section has more than one fence.
 * @returns the code inside the section's first fence of that language.
 */
export function readmeExample(marker: string, language = 'html'): string {
  const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');
  const section = new RegExp(`<!-- ${marker} -->([\\s\\S]*?)<!-- /${marker} -->`).exec(readme)?.[1] ?? '';
  const found = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(section);
  if (found?.[1] === undefined) throw new Error(`README.md has no ${marker} section with a ${language} example`);
  return found[1];
}
