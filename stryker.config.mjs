// Mutation testing (docs/mutation.md): StrykerJS changes one operator, literal or branch at a time in
// the modules below and runs the unit tests that cover it; a change no test notices (a surviving
// mutant) is a behaviour the tests do not pin down. `npm run test:mutation` runs it all (slow: not
// part of `npm test`); `npm run test:mutation -- --mutate "src/core/**/*.ts"` runs one folder.
// Only code that runs in Node under Vitest is listed: the rest (React, WebGPU/WebGL kernels) is held
// by the e2e suite, which Stryker cannot drive.

const NOT_TESTS = ['!src/**/*.test.ts', '!src/**/test-support.ts', '!src/**/*-test-support.ts'];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.mjs' },
  // Each mutant runs only the tests that executed its line (measured once, up front).
  coverageAnalysis: 'perTest',
  mutate: [
    'src/core/**/*.ts',
    'src/storage/**/*.ts',
    // The engine's pure-TS paths; the rest of src/engine needs a GPU or a browser.
    'src/engine/tensor-math.ts',
    'src/engine/kernels/kernel-layout.ts',
    'src/engine/item-space.ts',
    'src/offline/lib/ingest/**/*.ts',
    'src/offline/builder/quantise-check.ts',
    'src/offline/builder/choose-dtype.ts',
    'src/offline/eval/metrics.ts',
    'src/offline/lib/embed.ts',
    'src/offline/lib/embedding-cache.ts',
    'src/offline/scale/generate-scale.ts',
    'src/offline/lib/train-pq.ts',
    // The trainer's batching and data-parallel steps (its loss is checked against TF.js's own gradients).
    'src/offline/train/batches.ts',
    'src/offline/train/replica.ts',
    'src/offline/train/replica-group.ts',
    'src/offline/lib/dense-product.ts',
    'src/offline/lib/co-occurrence.ts',
    'src/offline/lib/semantic-floor.ts',
    'src/offline/lib/write-catalog.ts',
    'src/offline/lib/write-search-index.ts',
    'src/offline/lib/write-pages.ts',
    'src/search/**/*.ts',
    // The app's and the UI's modules that run in Node: the model files' reader, the idle scheduling.
    'src/app/http-model-source.ts',
    'src/ui/page-idle.ts',
    ...NOT_TESTS,
    // Barrels and type-only modules have nothing to mutate but would still be instrumented.
    '!src/**/index.ts',
  ],
  // A static mutant (a module-level constant) can only be tested by re-running every test of every
  // file that imports it; on a 2-core machine those few mutants take most of the run, so they are
  // reported as ignored rather than run.
  ignoreStatic: true,
  concurrency: 2,
  // Re-runs test only the mutants whose code or covering tests changed since the last run.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  // The score table and the surviving mutants, without the list of every test that ran.
  clearTextReporter: { logTests: false },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // The sandbox copies the project; these are large and no unit test reads them (the builder's
  // model folders, the e2e browsers and embedding cache, build and test output).
  ignorePatterns: ['/models', '/.cache', '/dist', '/test-results', '/playwright-report', '/bench-results', '/reports'],
  tempDirName: '.stryker-tmp',
  // A mutant that loops forever is cut off at 1.5x its tests' normal time plus this margin; the
  // shared machine's timings vary, so the margin is generous.
  timeoutMS: 10_000,
  // The initial run measures every test's coverage, instrumented: minutes on a shared 2-core machine.
  dryRunTimeoutMinutes: 20,
};
