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
    ['src/build/x.ts', "import { main } from '../eval/cli.ts';\nexport const m = main;\n", /src\/eval is the evaluation harness: only src\/train imports it/],
    ['src/eval/x.ts', "import { openEventStore } from '../storage/index.ts';\nexport const o = openEventStore;\n", /Import storage\/ only from the composition root/],
    ['src/train/x.ts', "import { openEventStore } from '../storage/index.ts';\nexport const o = openEventStore;\n", /Import storage\/ only from the composition root/],
    ['src/widget/x.ts', "import { openEventStore } from '../storage/index.ts';\nexport const o = openEventStore;\n", /Import storage\/ only from the composition root/],
    ['src/widget/x.ts', "import * as tf from '@tensorflow/tfjs-core';\nexport const t = tf;\n", /TF\.js lives in src\/engine only/],
    ['src/app/x.ts', "import { VitrineGrid } from '../widget/index.ts';\nexport const v = VitrineGrid;\n", /src\/widget builds on src\/app/],
  ])('rejects in %s: %s', async (file, code, message) => {
    expect(await ruleMessages(file, code)).toEqual([expect.stringMatching(message)]);
  });

  it('allows the evaluation harness to import core, engine and build', async () => {
    const code = "import { createRecommender } from '../core/index.ts';\nimport { createInterestEngine } from '../engine/index.ts';\nimport { buildModel } from '../build/build-model.ts';\nexport const all = [createRecommender, createInterestEngine, buildModel];\n";
    expect(await ruleMessages('src/eval/x.ts', code)).toEqual([]);
  });

  it('allows the trainer to import the evaluation harness', async () => {
    expect(await ruleMessages('src/train/x.ts', "import { evaluateMethods } from '../eval/evaluate.ts';\nexport const e = evaluateMethods;\n")).toEqual([]);
  });

  it('allows the composition root to import the adapters', async () => {
    expect(await ruleMessages('src/app/x.ts', "import { openEventStore } from '../storage/index.ts';\nexport const o = openEventStore;\n")).toEqual([]);
  });

  it('allows the widget to start storefronts through the composition root', async () => {
    expect(await ruleMessages('src/widget/x.ts', "import { acquireStorefront } from '../app/shared-storefronts.ts';\nexport const a = acquireStorefront;\n")).toEqual([]);
  });
});
