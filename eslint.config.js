// The dependency rule of ARCHITECTURE.md, machine-checked: core <- engine, storage <- ui <- app <- widget.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// src/eval, the evaluation harness (Node), may import core, engine and build; only src/train (the
// sequence model's trainer, which validates with it) imports it.
const evalLayer = { group: ['**/eval', '**/eval/**'], message: 'src/eval is the evaluation harness: only src/train imports it.' };
const banned = (...groups) => ['error', { patterns: [...groups, evalLayer] }];
const tf = { group: ['@tensorflow/*', '@tensorflow-models/*', '@energetic-ai/*'], message: 'TF.js lives in src/engine only.' };
const idb = { group: ['idb', 'idb/*', 'fake-indexeddb', 'fake-indexeddb/*'], message: 'IndexedDB lives in src/storage only.' };
const react = { group: ['react', 'react/*', 'react-dom', 'react-dom/*'], message: 'React lives in src/ui and src/app only.' };
const widget = { group: ['**/widget', '**/widget/**'], message: 'src/widget builds on src/app, not the other way round.' };
const layer = (name) => ({ group: [`**/${name}`, `**/${name}/**`], message: `Import ${name}/ only from the composition root (src/app).` });

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'models', 'test-results', 'playwright-report', '.cache', 'bench-results'] },
  {
    files: ['**/*.{ts,tsx,js}'],
    extends: [js.configs.recommended, ...tseslint.configs.strict],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': banned(tf, idb, react, layer('engine'), layer('storage'), layer('ui'), layer('app'), layer('build'), { group: ['node:*'], message: 'core runs in the browser and Node alike.' }),
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'indexedDB', 'localStorage', 'fetch'],
    },
  },
  { files: ['src/engine/**'], rules: { 'no-restricted-imports': banned(idb, react, layer('storage'), layer('ui'), layer('app')) } },
  { files: ['src/storage/**'], rules: { 'no-restricted-imports': banned(tf, react, layer('engine'), layer('ui'), layer('app')) } },
  { files: ['src/ui/**'], plugins: { 'react-hooks': reactHooks }, rules: { ...reactHooks.configs.recommended.rules, 'no-restricted-imports': banned(tf, idb, layer('engine'), layer('storage'), layer('app'), layer('build')) } },
  { files: ['src/app/**'], plugins: { 'react-hooks': reactHooks }, rules: { ...reactHooks.configs.recommended.rules, 'no-restricted-imports': banned(layer('build'), widget) } },
  // The embeddable widget sits on the composition root: it starts storefronts through src/app, never
  // the adapters directly.
  { files: ['src/widget/**'], plugins: { 'react-hooks': reactHooks }, rules: { ...reactHooks.configs.recommended.rules, 'no-restricted-imports': banned(tf, idb, layer('engine'), layer('storage'), layer('build')) } },
  { files: ['src/build/**'], rules: { 'no-restricted-imports': banned(react, idb, layer('storage'), layer('ui'), layer('app')) } },
  { files: ['src/eval/**', 'src/train/**'], rules: { 'no-restricted-imports': ['error', { patterns: [react, idb, layer('storage'), layer('ui'), layer('app'), layer('widget')] }] } },
);
