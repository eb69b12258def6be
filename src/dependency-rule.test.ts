// The dependency rule of ARCHITECTURE.md is enforced by eslint.config.js; this proves the rule
// fires (a lint config that silently matches nothing would pass every build).
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function ruleMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals').map((m) => m.message);
}

describe('dependency rule', () => {
  it.each([
    ['src/core/x.ts', "import * as tf from '@tensorflow/tfjs-core';\nexport const t = tf;\n", /TF\.js lives in src\/engine only/],
    ['src/core/x.ts', "import { openDB } from 'idb';\nexport const o = openDB;\n", /IndexedDB lives in src\/storage only/],
    ['src/core/x.ts', "import { useState } from 'react';\nexport const u = useState;\n", /React lives in src\/ui/],
    ['src/core/x.ts', "import { openEventStore } from '../storage/index.ts';\nexport const o = openEventStore;\n", /Import storage\/ only from the composition root/],
    ['src/core/x.ts', 'export const w = window.location;\n', /Unexpected use of 'window'/],
    ['src/ui/X.tsx', "import { createInterestEngine } from '../engine/index.ts';\nexport const c = createInterestEngine;\n", /Import engine\/ only from the composition root/],
    ['src/ui/X.tsx', "import { openEventStore } from '../storage/index.ts';\nexport const o = openEventStore;\n", /Import storage\/ only from the composition root/],
    ['src/engine/x.ts', "import { openDB } from 'idb';\nexport const o = openDB;\n", /IndexedDB lives in src\/storage only/],
    ['src/storage/x.ts', "import * as tf from '@tensorflow/tfjs-core';\nexport const t = tf;\n", /TF\.js lives in src\/engine only/],
  ])('rejects in %s: %s', async (file, code, message) => {
    expect(await ruleMessages(file, code)).toEqual([expect.stringMatching(message)]);
  });

  it('allows the composition root to import the adapters', async () => {
    expect(await ruleMessages('src/app/x.ts', "import { openEventStore } from '../storage/index.ts';\nexport const o = openEventStore;\n")).toEqual([]);
  });
});
