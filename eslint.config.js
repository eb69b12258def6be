// The dependency rule of ARCHITECTURE.md, machine-checked as an allowlist: each folder below names the
// folders and packages it may import, and any other import is an error. A folder's own files may
// always import each other.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TF = ['@tensorflow/*', '@tensorflow-models/*', '@energetic-ai/*'];
const REACT = ['react', 'react-dom'];
const NODE = ['node:*'];
// Fixture generators are test tooling too: run by hand, their outputs committed for the tests.
const TESTS = ['**/*.test.ts', '**/*.test.tsx', '**/test-support.ts', '**/*-test-support.ts'];

/**
 * One entry per folder: `folders` it may import besides itself, `packages` it may import (a name stands
 * for the package and any module in it, 'x/*' for anything under the scope or path x), and what its
 * tests (TESTS) may import on top of that.
 * Nothing outside src/widget imports the widget but the npm package's entries (src/package; the
 * widget's other entry is vite.config.ts's build input), and only src/offline/train imports the
 * evaluation harness (it validates each epoch with it).
 */
const ROOMS = [
  { folder: 'src/core', what: 'pure TS, for the browser and Node alike', folders: [], packages: [], tests: { packages: ['vitest', 'fast-check'] } },
  {
    folder: 'src/engine',
    what: 'the TF.js adapter',
    folders: ['src/core'],
    packages: TF,
    // Node's copy of the sentence encoder's files, for the tests that run the real encoder.
    tests: { folders: ['src/offline/lib'], packages: ['vitest'] },
  },
  {
    folder: 'src/storage',
    what: 'the device storage adapter (IndexedDB, Cache Storage)',
    folders: ['src/core'],
    packages: ['idb'],
    tests: { packages: ['vitest', 'fake-indexeddb'] },
  },
  {
    folder: 'src/search',
    what: 'the full-text search adapter',
    folders: ['src/core'],
    packages: ['minisearch'],
    // The demo catalogue's generator, for tests on the texts the storefront really has.
    tests: { folders: ['src/offline/builder'], packages: ['vitest'] },
  },
  { folder: 'src/ui', what: 'the React components, which see only core interfaces', folders: ['src/core'], packages: REACT, tests: { packages: ['vitest'] } },
  {
    folder: 'src/app',
    what: 'the composition root',
    folders: ['src/core', 'src/engine', 'src/storage', 'src/search', 'src/ui'],
    packages: REACT,
    tests: { packages: ['vitest'] },
  },
  {
    folder: 'src/widget',
    what: 'the embeddable custom element, built on the composition root',
    folders: ['src/app', 'src/ui', 'src/core'],
    packages: REACT,
    tests: { packages: ['vitest'] },
  },
  {
    folder: 'src/bench',
    what: 'the browser bench page',
    folders: ['src/core', 'src/engine', 'src/search'],
    packages: [...TF, 'client-vector-search', 'voy-search'],
    tests: { packages: ['vitest'] },
  },
  {
    folder: 'src/offline/lib',
    what: "the Node wing's shared library",
    // src/search: a sharded catalogue's search index is the browser's own index, prebuilt.
    folders: ['src/core', 'src/engine', 'src/search'],
    // The readers of item vectors a shop brings as Parquet or Arrow, a Parquet writer for the
    // example vectors and the readers' fixtures, and DuckDB for the SQL stages over the event log
    // (a dialect parser checks in tests that the stages are portable).
    packages: [...NODE, ...TF, 'hyparquet', 'apache-arrow', 'hyparquet-writer', '@duckdb/node-api'],
    tests: { packages: ['vitest', 'fast-check', 'node-sql-parser'] },
  },
  {
    folder: 'src/offline/builder',
    what: 'the model builder (Node)',
    folders: ['src/offline/lib', 'src/core', 'src/engine'],
    // resvg renders the demo's generated SVG pictures to PNG.
    packages: [...NODE, ...TF, '@faker-js/faker', 'wabt', '@resvg/resvg-js'],
    tests: { packages: ['vitest'] },
  },
  {
    folder: 'src/offline/eval',
    what: 'the evaluation harness (Node)',
    folders: ['src/offline/lib', 'src/core', 'src/engine', 'src/search'],
    packages: [...NODE, ...TF],
    // The harness's tests evaluate a model the builder has just built.
    tests: { folders: ['src/offline/builder'], packages: ['vitest'] },
  },
  {
    folder: 'src/offline/train',
    what: "the sequence model's trainer (Node)",
    folders: ['src/offline/lib', 'src/offline/eval', 'src/core', 'src/engine'],
    packages: [...NODE, ...TF],
    tests: { packages: ['vitest'] },
  },
  {
    folder: 'src/offline/scale',
    what: "the builder's scale test: a synthetic shop of any size (Node)",
    folders: ['src/offline/builder', 'src/offline/lib', 'src/core', 'src/engine'],
    packages: [...NODE, ...TF],
    tests: { packages: ['vitest'] },
  },
  {
    folder: 'src/package',
    what: "the npm package: its entries over the widget and the composition root; in node/, its build and the builder's command",
    folders: ['src/widget', 'src/app', 'src/core', 'src/engine', 'src/offline/builder', 'src/offline/lib'],
    packages: [...NODE, 'vite', '@vitejs/plugin-react', 'typescript', 'tsx'],
  },
  {
    folder: 'e2e',
    what: 'the Playwright suite (Node), which drives the UI and the widget through the browser',
    // src/ui for its pure formatting (what a card shows), never its components.
    folders: ['src/core', 'src/engine', 'src/app', 'src/bench', 'src/offline', 'src/ui'],
    packages: [...NODE, ...TF, '@playwright/*', '@axe-core/playwright', 'vite', 'vitest'],
  },
];

/** Source of a RegExp that matches a module specifier in `packages` (and any file under it). */
function packagePattern(packages) {
  const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return packages.map((name) => (name.endsWith('*') ? escape(name.slice(0, -1)) : `${escape(name)}(?:[/?]|$)`)).join('|');
}

/** The rules that enforce one room's allowlist: src folders by resolved path, packages by specifier. */
function roomRules({ folder, what, folders, packages }, extra = {}) {
  const mayFolders = [...folders, ...(extra.folders ?? [])];
  const mayPackages = [...packages, ...(extra.packages ?? [])];
  const message =
    `Dependency rule: ${folder} (${what}) may import only its own files${mayFolders.map((path) => `, ${path}`).join('')}` +
    ` and ${mayPackages.length > 0 ? `the packages ${mayPackages.join(', ')}` : 'no package'} (eslint.config.js, ARCHITECTURE.md).`;
  const fromSrc = [folder, ...mayFolders].filter((path) => path.startsWith('src/')).map((path) => `./${path.slice('src/'.length)}`);
  // Anything that is neither relative nor an allowed package: a negative lookahead over both.
  const forbidden = `^(?!\\.{1,2}/${mayPackages.length > 0 ? `|${packagePattern(mayPackages)}` : ''})`;
  return {
    'import-x/no-restricted-paths': ['error', { zones: [{ target: `./${folder}`, from: './src', except: fromSrc, message }] }],
    'no-restricted-imports': ['error', { patterns: [{ regex: forbidden, message }] }],
    // no-restricted-imports does not see import(); this catches a dynamic import of a package too
    // (esquery's regex literal cannot hold a '/', so it is written as \x2F).
    'no-restricted-syntax': ['error', { selector: `ImportExpression > Literal.source[value=/${forbidden.replaceAll('/', '\\x2F')}/]`, message }],
  };
}

const roomConfigs = ROOMS.flatMap((room) => [
  { files: [`${room.folder}/**`], ignores: TESTS, rules: roomRules(room) },
  ...(room.tests ? [{ files: TESTS.map((test) => `${room.folder}/${test}`), rules: roomRules(room, room.tests) }] : []),
]);

// Small rooms (STYLE.md), counted in code lines: data tables and generated code are exempt; tests and
// the e2e suite are held to the same sizes.
const GENERATED_OR_DATA = [
  'src/engine/kernels/score-int8-wasm-bytes.ts',
  'src/engine/kernels/score-codes-wasm-bytes.ts',
  'src/offline/builder/demo-vocab.ts',
  'src/offline/builder/demo-type-icons.ts',
];

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'models', 'test-results', 'playwright-report', '.cache', 'bench-results', '.stryker-tmp', 'reports'] },
  {
    files: ['**/*.{ts,tsx,js}'],
    extends: [js.configs.recommended, ...tseslint.configs.strict],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver()] },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}', 'e2e/**/*.ts'],
    ignores: GENERATED_OR_DATA,
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true }],
    },
  },
  ...roomConfigs,
  // Files directly in src/ (this rule's own test) and the root config files import no src folder.
  {
    files: ['src/*', '*.{ts,js}'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        { zones: [{ target: ['./src/*', './*'], from: './src/*/**', message: 'Dependency rule: root files import no src folder.' }] },
      ],
    },
  },
  // Tests directly in src/ may mark their faults with the unit tests' fault convention, and import nothing else of src.
  {
    files: ['src/*.test.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './src/*',
              from: './src',
              except: ['./core/fault-test-support.ts', './*.ts'],
              message: 'Dependency rule: root files import no src folder.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: { 'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'indexedDB', 'localStorage', 'fetch'] },
  },
  { files: ['src/ui/**', 'src/app/**', 'src/widget/**'], plugins: { 'react-hooks': reactHooks }, rules: reactHooks.configs.recommended.rules },
);
