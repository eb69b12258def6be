// The trained sequence model in the shopper's browser. The fixture model is the demo
// catalogue plus a sequence model from a short real training run (src/offline/train, 1 epoch over a few
// hundred synthetic sequences, a tiny architecture), written with the repository's own code into
// models/e2e-sequence (gitignored), with rules that leave the grid in score order. Node (this
// process, wasm backend) computes the interest and the best 20 rows and scores for fixed
// sequences; the storefront must give the same through its own path (Recommender.record ->
// SequenceEncoder -> ItemSpace) on WebGPU and on the wasm fallback, and re-rank clicks with
// the sequence model.
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import * as tf from '@tensorflow/tfjs-core';
import type { VitrineTestHooks } from '../src/app/test-hooks.ts';
import { writeModel, addSequenceModel, createFsModelSource } from '../src/offline/lib/write-model.ts';
import { toItemId } from '../src/core/ids.ts';
import { loadModel } from '../src/core/model.ts';
import { seededRandom } from '../src/core/random.ts';
import { scoreAll, topK } from '../src/core/rank.ts';
import { decodeSequenceItemTable } from '../src/core/sequence-items.ts';
import { outOfStockRows } from '../src/core/availability.ts';
import { initBackend } from '../src/engine/backend.ts';
import { compareRankings } from '../src/core/ranking-agreement.ts';
import { decodeSequenceWeights, encodeSequenceModel, sequenceInterest } from '../src/engine/sequence-model.ts';
import { trainSequenceModel } from '../src/offline/train/train-sequence.ts';
import { expect, test } from './fixtures.ts';

const MODEL = 'e2e-sequence';
const MODELS_DIR = resolve(import.meta.dirname, '..', 'models');
/** Compared with Node: the grid's first 20 cards. */
const DEPTH = 20;
/** Float16 item table, float32 sums in another order on another backend. */
const SCORE_TOLERANCE = 1e-3;

/** Fixed histories (item ids, oldest first), each scored after erasing the shopper's data. */
const SEQUENCES = [['p0001'], ['p0120', 'p0121', 'p0500', 'p0120'], ['p0007', 'p1800', 'p0950', 'p2399', 'p0333', 'p0042']];

interface Expected {
  readonly interest: number[];
  readonly rows: number[];
  readonly scores: number[];
}

let expected: Expected[] = [];

/** The test build's hooks (src/app/test-hooks.ts), as the page sees them. */
interface HookWindow {
  __vitrineTestHooks?: VitrineTestHooks;
}

/**
 * Builds models/e2e-sequence: the demo's items and vectors with rules that keep the grid in score
 * order (no diversity re-ranking, variant collapsing, pins or exploration), then a sequence model
 * trained for one epoch on walks through the demo's categories.
 */
async function buildSequenceFixture(): Promise<void> {
  const demo = await loadModel(createFsModelSource(resolve(MODELS_DIR, 'demo')));
  const { dim } = demo.manifest;
  const written = await writeModel({
    outDir: resolve(MODELS_DIR, MODEL),
    catalogId: MODEL,
    // Without variant groups, so the grid shows every item's score in order.
    items: demo.items.map((item) => ({ ...item, group: null })),
    vectors: demo.vectors,
    dim,
    popularity: demo.popularity,
    encoder: demo.manifest.encoder,
    rules: { diversity: { lambda: 1, variantSimilarity: null }, exploration: { share: 0 } },
    createdAt: new Date(0),
  });
  // Walks of 4-12 items through one department at a time: something for one epoch to learn.
  const byCategory = new Map<string, number[]>();
  demo.items.forEach((item, row) => byCategory.set(item.category, [...(byCategory.get(item.category) ?? []), row]));
  const departments = [...byCategory.values()];
  const random = seededRandom(5);
  const sequences = Array.from({ length: 300 }, () => {
    const rows = departments[Math.floor(random() * departments.length)] ?? [];
    return { rows: Array.from({ length: 4 + Math.floor(random() * 9) }, () => rows[Math.floor(random() * rows.length)] ?? 0) };
  });
  const architecture = { itemCount: demo.manifest.itemCount, dim, maxLength: 8, blocks: 1, heads: 2, ffnDim: 64 };
  const trained = await trainSequenceModel(sequences, {
    architecture,
    itemVectors: written.loaded.vectors,
    epochs: 1,
    learningRate: 0.002,
    dropout: 0,
    batchPositions: 512,
    seed: 1,
  });
  const { spec, bytes } = await encodeSequenceModel(trained.weights, architecture, 'sequence.bin', { fixture: 'e2e', history: trained.history }, true);
  for (const tensor of trained.weights.values()) tensor.dispose();
  await addSequenceModel(resolve(MODELS_DIR, MODEL), spec, bytes);
}

/** What Node makes of each fixed sequence with the written model: interest, then the best rows in stock. */
async function expectedRankings(): Promise<Expected[]> {
  const model = await loadModel(createFsModelSource(resolve(MODELS_DIR, MODEL)));
  if (model.sequence === null) throw new Error(`${MODEL} has no sequence model`);
  const { architecture } = model.sequence.spec;
  const table = decodeSequenceItemTable(model.sequence);
  const weights = decodeSequenceWeights(model.sequence.spec, model.sequence.weights);
  try {
    return await Promise.all(
      SEQUENCES.map(async (ids) => {
        const rows = ids.map((id) => model.rowOf.get(toItemId(id)) ?? -1);
        const tensor = tf.tidy(() => sequenceInterest(weights, architecture, tf.tensor2d(rows, [1, rows.length], 'int32')));
        const interest = await tensor.data<'float32'>();
        tensor.dispose();
        const ranked = topK(scoreAll(table.vectors, architecture.dim, interest, table.bias, 1), DEPTH, outOfStockRows(model.items));
        return { interest: [...interest], rows: [...ranked.rows], scores: [...ranked.scores] };
      }),
    );
  } finally {
    for (const tensor of weights.values()) tensor.dispose();
  }
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  await initBackend({ preferred: 'wasm', allowed: ['wasm'] });
  await buildSequenceFixture();
  expected = await expectedRankings();
});

/**
 * Checks the page's interest and ranking for SEQUENCES[i] against Node's, and notes the differences.
 * @returns the backend the storefront ranked on.
 */
async function expectNodeResults(page: Page, i: number): Promise<string | undefined> {
  const ids = SEQUENCES[i] ?? [];
  const want = expected[i] as Expected;
  const interest = await page.evaluate((sequence) => (window as HookWindow).__vitrineTestHooks?.sequenceInterest(sequence) ?? null, ids);
  expect(interest).not.toBeNull();
  const largestDifference = Math.max(...want.interest.map((value, j) => Math.abs(value - (interest?.[j] ?? Number.NaN))));
  expect(largestDifference, `interest of sequence ${i}`).toBeLessThan(SCORE_TOLERANCE);

  const probe = await page.evaluate((sequence) => (window as HookWindow).__vitrineTestHooks?.rankAfterViews(sequence), ids);
  expect(probe?.interestModel).toBe('sequence');
  const agreement = compareRankings({ rows: probe?.rows.slice(0, DEPTH) ?? [], scores: probe?.scores.slice(0, DEPTH) ?? [] }, want, SCORE_TOLERANCE);
  expect(agreement.agree, `ranking of sequence ${i}: largest score difference ${agreement.maxScoreDifference}`).toBe(true);
  test.info().annotations.push({
    type: `sequence ${i} on ${probe?.backend}`,
    description: `largest difference from Node: interest ${largestDifference.toExponential(2)}, score ${agreement.maxScoreDifference.toExponential(2)}`,
  });
  return probe?.backend;
}

for (const backend of ['webgpu', 'wasm'] as const) {
  test(`the browser's sequence model gives Node's interest and ranking on ${backend}`, async ({ page, storefront }) => {
    await storefront.open(`?models=${MODEL}&backend=${backend}`);
    await expect(storefront.grid).toHaveAttribute('data-backend', backend);
    await page.waitForFunction(() => (window as HookWindow).__vitrineTestHooks !== undefined);
    for (const i of SEQUENCES.keys()) expect(await expectNodeResults(page, i)).toBe(backend);
    if (backend !== 'webgpu') return;
    // A lost GPU device: the engine rebuilds itself and the encoder follows it (same results).
    expect(await page.evaluate(() => (window as HookWindow).__vitrineTestHooks?.loseGpuDevice() ?? null)).toMatch(/^destroyed/);
    expect(await expectNodeResults(page, 1)).toBeDefined();
  });
}

test('clicking products re-ranks the grid with the sequence model, on the backend calibration chose', async ({ storefront }) => {
  // No ?backend=: the engine over the trained table and its bias goes through the calibration.
  await storefront.open(`?models=${MODEL}`);
  await expect(storefront.grid).toHaveAttribute('data-backend-reason', /fastest here/);
  const indicator = storefront.page.getByTestId('backend-indicator');
  await expect(indicator).toHaveAttribute('data-interest-model', 'decay');
  const before = await storefront.topIds();
  for (const position of [5, 2]) {
    const id = (await storefront.topIds())[position] ?? '';
    await storefront.afterRerank(() => storefront.grid.locator(`[data-item-id="${id}"]`).getByRole('heading').first().click());
    // Past the dwell threshold, so closing records exactly one dwell (as Storefront.viewAndAddToCart).
    await storefront.page.waitForTimeout(600);
    await storefront.afterRerank(() => storefront.page.getByRole('dialog').getByRole('button', { name: 'Close' }).click());
    await expect(indicator).toHaveAttribute('data-interest-model', 'sequence');
    await expect(storefront.grid).toHaveAttribute('data-interest-model', 'sequence');
  }
  await expect(indicator).toHaveAttribute('title', /trained sequence model/);
  expect(await storefront.topIds()).not.toEqual(before);
});
