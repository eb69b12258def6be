/**
 * Search as you type, as the bench measures it: the queries typed letter by letter (about 100
 * keystrokes a round), the rounds, and the completions each keystroke asks for. The bench page's
 * index built in the page (e2e/bench/run-bench.ts) and a sharded catalogue's prebuilt index
 * (sharded-keystrokes.ts) are timed on the same keystrokes.
 */
export const KEYSTROKE_CASE = {
  queries: ['warm jacket for hiking', 'ceramic teapot', 'wireless headphones', 'organic honey 1 kg', 'garden hose reel'],
  rounds: 3,
  suggestions: 8,
};
