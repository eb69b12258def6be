/**
 * Generated parts of hand-written Markdown (docs/results.md, the README's benchmark table) sit
 * between a pair of HTML comments, so a tool can replace its own figures without touching the
 * prose around them, and a reader can see which lines are generated.
 */

/**
 * @param document the Markdown file's text.
 * @param key names the section: its markers are `<!-- key -->` and `<!-- /key -->`.
 * @param body the section's new content (without the markers).
 * @returns the document with that section's content replaced, or null when it has no such section.
 */
export function replaceMarkedSection(document: string, key: string, body: string): string | null {
  const begin = `<!-- ${key} -->`;
  const end = `<!-- /${key} -->`;
  const start = document.indexOf(begin);
  const stop = document.indexOf(end, start);
  if (start === -1 || stop === -1) return null;
  return `${document.slice(0, start)}${markedSection(key, body)}${document.slice(stop + end.length)}`;
}

/** @returns `body` between the markers of `key`. */
export function markedSection(key: string, body: string): string {
  return `<!-- ${key} -->\n${body.trimEnd()}\n<!-- /${key} -->`;
}
