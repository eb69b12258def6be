import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_ICON_DIR, demoTypeIcon } from './demo-icons.ts';
import { DEMO_TYPE_ICONS } from './demo-type-icons.ts';
import { DEMO_DEPARTMENTS } from './demo-vocab.ts';

const types = DEMO_DEPARTMENTS.flatMap((department) => department.nouns.map(({ noun }) => noun));

describe('demo product icons', () => {
  it('maps exactly the product types of the vocabulary, each to an icon file the package has', () => {
    expect(Object.keys(DEMO_TYPE_ICONS).sort()).toEqual([...types].sort());
    const missing = Object.entries(DEMO_TYPE_ICONS).filter(([, icon]) => !existsSync(join(DEMO_ICON_DIR, `${icon}.svg`)));
    expect(missing).toEqual([]);
  });

  it("draws a type with its icon's shapes only: no wrapper, no invisible bounding box", () => {
    const sofa = demoTypeIcon('Sofa');
    expect(sofa).toMatch(/^<path d="M4 11a2 2 0 0 1 2 2v1h12/);
    expect(sofa).not.toContain('<svg');
    expect(sofa).not.toContain('stroke="none"');
    expect(sofa.match(/<path /g)).toHaveLength(3);
  });

  it('refuses a type without an icon, naming it', () => {
    expect(() => demoTypeIcon('Hovercraft')).toThrow(/"Hovercraft" has no icon/);
  });
});
