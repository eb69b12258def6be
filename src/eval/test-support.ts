/**
 * The evaluation tests' data set: three users' item rows in order, over eight items. With the last
 * two of each held out, training is rows 0, 1 | 1 | 2, 1 (counts r0 1, r1 3, r2 1, the rest 0);
 * the test targets are rows 3, 7 and 5. eval.test.ts works out its metrics by hand, and cli.test.ts
 * expects the same numbers from the whole command.
 */
export const FIXTURE_USERS: readonly (readonly number[])[] = [
  [0, 1, 2, 3],
  [1, 0, 7],
  [2, 1, 0, 5],
];
export const FIXTURE_ITEMS = 8;
