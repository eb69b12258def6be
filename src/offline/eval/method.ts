/**
 * What the harness evaluates: a ranking method turns one test case into a ranked list. The
 * browser's own rule (replay.ts) and the baselines (baselines.ts) implement it; another method
 * (a diversity re-ranker, say) joins the comparison by implementing it too and being added to the
 * list the CLI builds.
 */
import type { EvalCase } from './dataset.ts';

export interface RankingMethod {
  /** A short key, used in tables, JSON and `--methods`. */
  readonly name: string;
  /** One sentence on what it does and what it learned from (shown in the report). */
  readonly description: string;
  /**
   * Ranks a batch of cases (batches let a method score many shoppers in one matrix product).
   * @param cases the shoppers' histories, masked rows and targets (targets are not to be looked at).
   * @param depth how many rows to return per case.
   * @returns per case, the best `depth` rows, best first, none of them masked.
   */
  rank(cases: readonly EvalCase[], depth: number): Promise<readonly (readonly number[])[]>;
  /** Frees what the method holds (engines, tensors). */
  dispose(): void;
}
