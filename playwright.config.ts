// End-to-end tests in Debian's headless Chromium against the built app (vite build + preview),
// with WebGPU enabled (a software adapter here, see ../shared/ENVIRONMENT.md). The build has the
// test hooks compiled in (VITRINE_TEST_HOOKS=1, see src/app/test-hooks.ts); a plain
// `npm run build` does not. VITRINE_E2E_PORT and VITRINE_E2E_OUT_DIR let two checkouts or
// sessions on one machine run the suite at once without sharing a port or a dist/ folder.
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env['VITRINE_E2E_PORT'] ?? 4173);
// Not dist/: the e2e build has the test hooks compiled in and must never be mistaken for a release.
const OUT_DIR = process.env['VITRINE_E2E_OUT_DIR'] ?? '.cache/e2e-dist';

export default defineConfig({
  testDir: 'e2e',
  // The bench's unit tests (e2e/bench/*.test.ts) run under Vitest.
  testIgnore: 'bench/**',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // The reliability reporter writes test-results/reliability.md from the tests tagged @fault, and
  // the tracked docs/reliability.md only from a whole-suite run of `npm run test:reliability`.
  reporter: [['list'], ['./e2e/reliability-reporter.ts', { outputFile: 'test-results/reliability.md', docFile: 'docs/reliability.md' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    // Recording a trace slows every test by about a quarter on this machine's two cores; set
    // VITRINE_E2E_TRACE=1 to keep one for each failing test (test-results/, `npx playwright show-trace`).
    trace: process.env['VITRINE_E2E_TRACE'] === '1' ? 'retain-on-failure' : 'off',
    launchOptions: {
      executablePath: process.env['VITRINE_CHROMIUM'] ?? '/usr/bin/chromium-headless-shell',
      args: [
        '--no-sandbox',
        '--enable-unsafe-webgpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `npx vite build --logLevel warn --outDir ${OUT_DIR} && npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort --outDir ${OUT_DIR}`,
    env: { VITRINE_TEST_HOOKS: '1' },
    url: `http://127.0.0.1:${PORT}/`,
    timeout: 300_000,
    reuseExistingServer: false,
  },
});
