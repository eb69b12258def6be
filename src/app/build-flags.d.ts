/**
 * Constants vite.config.ts `define`s at build time (replaced by literals, so dead branches vanish).
 */

/** True only in builds made with VITRINE_TEST_HOOKS=1 (the e2e suite's): see test-hooks.ts. */
declare const __VITRINE_TEST_HOOKS__: boolean;
