import { describe, expect, it } from 'vitest';
import { markedSection, replaceMarkedSection } from './marked-section.ts';

describe('replaceMarkedSection', () => {
  const doc = `# Title\n\nprose before\n\n${markedSection('bench:targets', 'old table')}\n\nprose after\n`;

  it('replaces only the content between the markers, keeping the prose around them', () => {
    expect(replaceMarkedSection(doc, 'bench:targets', 'new table\n')).toBe(
      '# Title\n\nprose before\n\n<!-- bench:targets -->\nnew table\n<!-- /bench:targets -->\n\nprose after\n',
    );
  });

  it('returns null when the document has no section of that key, or only its opening marker', () => {
    expect(replaceMarkedSection(doc, 'eval:beauty', 'x')).toBeNull();
    expect(replaceMarkedSection('<!-- k -->\nno end', 'k', 'x')).toBeNull();
  });
});
