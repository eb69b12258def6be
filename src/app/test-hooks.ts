/**
 * Hooks that let the end-to-end tests inject faults a shopper's browser would meet on its own
 * on `window.__vitrineTestHooks`. They exist ONLY in test builds: main.tsx loads this
 * module behind `__VITRINE_TEST_HOOKS__`, a constant vite.config.ts defines as `true` only when the
 * build runs with VITRINE_TEST_HOOKS=1 (the e2e webServer in playwright.config.ts sets it). In any
 * other build the constant is `false`, the import is dead code, and this module is not emitted at
 * all: no URL parameter or console call can reach it in production.
 *
 * Hooks:
 *  - `loseGpuDevice()`: GPUDevice.destroy() on the device TF.js's webgpu backend computes on, as a
 *    driver reset would; resolves with the device's loss reason, or null when WebGPU is not in use.
 *    The item space then rebuilds itself (src/engine/device-loss-recovery.ts).
 *  - `rankAfterViews(ids)`: erases the shopper's data, then views the items in order through the
 *    running storefront's Recommender (main.tsx attaches it), and returns the ranking after the
 *    last one: the storefront's own path, for comparing its scores with Node's.
 *  - `sequenceInterest(ids)`: the interest a SequenceEncoder over the running storefront's sequence
 *    model computes for these items, on the storefront's backend (null without a sequence model).
 */
import { RecError, toItemId, type InterestModel, type Recommender } from '../core/index.ts';
import { createSequenceEncoder, destroyWebGpuDevice } from '../engine/index.ts';

/** A ranking as the tests compare it. */
export interface RankingProbe {
  readonly interestModel: InterestModel;
  readonly backend: string;
  readonly rows: readonly number[];
  readonly scores: readonly number[];
}

/** What the tests find on `window.__vitrineTestHooks`. */
export interface VitrineTestHooks {
  /** @returns the loss reason ("destroyed: …"), or null when no WebGPU device is in use. */
  loseGpuDevice(): Promise<string | null>;
  /** @param ids items viewed in this order after erasing everything; @returns the ranking after the last. */
  rankAfterViews(ids: readonly string[]): Promise<RankingProbe>;
  /** @param ids items, oldest first; @returns the sequence model's interest, or null without one. */
  sequenceInterest(ids: readonly string[]): Promise<number[] | null>;
}

/** The running storefront's Recommender (standalone app only), once main.tsx has started it. */
let attached: Recommender | null = null;

/** @param recommender the storefront the hooks act on (main.tsx, test builds only). */
export function attachRecommender(recommender: Recommender): void {
  attached = recommender;
}

function running(): Recommender {
  if (attached === null) throw new RecError('INTERNAL', 'no storefront has started yet');
  return attached;
}

declare global {
  interface Window {
    __vitrineTestHooks?: VitrineTestHooks;
  }
}

/** Puts the hooks on `window` (test builds only, see the header). */
export function installTestHooks(): void {
  window.__vitrineTestHooks = {
    loseGpuDevice: destroyWebGpuDevice,
    async rankAfterViews(ids) {
      const recommender = running();
      let ranking = await recommender.erase();
      for (const id of ids) ranking = await recommender.record({ type: 'view', item: toItemId(id) });
      return {
        interestModel: ranking.interestModel,
        backend: ranking.backend,
        rows: ranking.items.map((item) => item.row),
        scores: ranking.items.map((item) => item.score),
      };
    },
    async sequenceInterest(ids) {
      const recommender = running();
      const { sequence, rowOf } = recommender.model;
      if (sequence === null) return null;
      const encoder = await createSequenceEncoder({ model: sequence, backend: () => recommender.backend });
      try {
        return [...(await encoder.interest(ids.map((id) => rowOf.get(toItemId(id)) ?? -1)))];
      } finally {
        encoder.dispose();
      }
    },
  };
}
