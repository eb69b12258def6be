// The unit tests Stryker runs against each mutant (stryker.config.mjs): the tests beside the mutated
// modules, not the whole suite. The mutation score then says how well a module's own tests pin it
// down, and the run stays within reach of a small machine: the suite's heavy Node tests (the
// builder's, evaluation's and trainer's CLIs, the real text encoder, behaviour embeddings) would
// otherwise cover most of core and run for every one of its mutants.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/core/**/*.test.ts',
      'src/storage/**/*.test.ts',
      'src/engine/item-space.test.ts',
      'src/engine/item-space-inputs.test.ts',
      'src/engine/tensor-math.test.ts',
      'src/engine/kernels/kernel-layout.test.ts',
      'src/engine/kernels/wasm-code-scorer.test.ts',
      'src/engine/kernels/instantiate-kernel.test.ts',
      'src/engine/paged-item-space.test.ts',
      'src/offline/lib/ingest/**/*.test.ts',
      'src/offline/builder/quantise-check.test.ts',
      'src/offline/builder/choose-dtype.test.ts',
      'src/offline/eval/eval.test.ts',
      'src/offline/eval/metrics.test.ts',
      'src/offline/lib/embed.test.ts',
      'src/offline/scale/generate-scale.test.ts',
      'src/offline/lib/train-pq.test.ts',
      'src/offline/train/train-sequence.test.ts',
      'src/offline/train/replica-group.test.ts',
      'src/offline/lib/dense-product.test.ts',
      'src/offline/lib/co-occurrence.test.ts',
      'src/offline/lib/semantic-floor.test.ts',
      'src/offline/lib/write-catalog.test.ts',
      'src/offline/lib/write-search-index.test.ts',
      'src/offline/lib/write-pages.test.ts',
      'src/search/**/*.test.ts',
      'src/app/http-model-source.test.ts',
      'src/offline/eval/search/paged-view.test.ts',
      'src/ui/page-idle.test.ts',
    ],
    environment: 'node',
    setupFiles: ['vitest.mutation.setup.mjs'],
    // Stryker's coverage instrumentation slows every test; the suite's 30 s would cut some off.
    testTimeout: 120_000,
  },
});
