// Under mutation testing a failing property only has to fail: fast-check stops at the first
// counterexample instead of shrinking it to the smallest one, which for a mutant that breaks a
// parser can run for minutes and leave the whole run hours long on a small machine.
import fc from 'fast-check';

fc.configureGlobal({ endOnFailure: true });

// Stryker runs Vitest in worker threads, which cannot be started with --expose-gc: the one test that
// collects garbage (model.test.ts) reads this and is skipped here, and only here.
globalThis.vitrineWithoutGc = 'worker threads cannot expose gc';
