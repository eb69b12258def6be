import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import playwrightConfig from '../../playwright.config.ts';

const PORT = process.env.PORT ?? '4181';
const BASE = `http://127.0.0.1:${PORT}`;
const server = spawn(
  process.execPath,
  ['node_modules/vite/bin/vite.js', 'preview', '--host', '127.0.0.1', '--port', PORT, '--strictPort', '--outDir', process.env.DIST ?? '/work/tmp/dist-nomin'],
  { stdio: 'ignore' },
);
for (let i = 0; i < 100; i++) {
  if (
    await fetch(BASE).then(
      (r) => r.ok,
      () => false,
    )
  )
    break;
  await new Promise((r) => setTimeout(r, 200));
}
const browser = await chromium.launch(playwrightConfig.use?.launchOptions ?? {});
try {
  const page = await (await browser.newContext()).newPage();
  let shardCount = 0;
  let pageCount = 0;
  const t0 = Date.now();
  page.on('request', (r) => {
    if (r.url().includes('/cards/')) shardCount++;
    if (r.url().includes('/vectors/')) pageCount++;
  });
  await page.addInitScript('globalThis.__name = (fn) => fn');
  await page.goto(`${BASE}/${process.env.Q ?? ''}`);
  const grid = page.getByRole('region', { name: 'Recommended products' });
  await page.waitForFunction(
    () =>
      document.querySelector('section[data-backend]')?.getAttribute('data-backend') !== 'starting' &&
      document.querySelector('section[data-backend] [data-item-id]') !== null,
  );
  console.log(`engine grid after ${Date.now() - t0} ms wall; pages ${pageCount}, shards ${shardCount}`);
  const bytes = await page.evaluate(() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].map((e) => [e.name, (e as PerformanceResourceTiming).transferSize] as const));
  console.log(`first-visit bytes ${(bytes.reduce((s, [, b]) => s + b, 0) / 1e6).toFixed(2)} MB`);
  for (const [n, b] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`   ${(b / 1e6).toFixed(2)} MB ${n.slice(-60)}`);
  await page.waitForTimeout(Number(process.env.WAIT ?? 3000));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  for (let click = 0; click < Number(process.env.CLICKS ?? 3); click++) {
    const before = Number(await grid.getAttribute('data-event-count'));
    const waited = page.evaluate(`new Promise((done) => { let at = -1; addEventListener('click', (e) => (at = e.timeStamp), { capture: true, once: true });
      const s = document.querySelector('section[data-backend]');
      const check = () => { if (at >= 0 && Number(s.getAttribute('data-event-count')) > ${before}) { setTimeout(() => done(performance.now() - at), 0); return; } requestAnimationFrame(check); }; check(); })`);
    await cdp.send('Profiler.start');
    const shardsBefore = shardCount;
    const pagesBefore = pageCount;
    await grid
      .locator('[data-item-id]')
      .nth(click % 12)
      .getByRole('button', { name: /add to cart/i })
      .click();
    const ms = await waited;
    const shardsAtGrid = shardCount;
    await page.waitForFunction(() => document.querySelector('section[data-backend]')?.getAttribute('aria-busy') === 'false');
    const { profile } = (await cdp.send('Profiler.stop')) as {
      profile: {
        nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
        samples: number[];
        timeDeltas: number[];
      };
    };
    const self = new Map<string, number>();
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const n = byId.get(id)!;
      const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
      self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
    });
    const top = [...self]
      .filter(([k]) => !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, Number(process.env.TOP ?? 15));
    const busy = [...self].filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(program)')).reduce((s, [, v]) => s + v, 0);
    console.log(`  shard requests before the grid: ${shardsAtGrid - shardsBefore}; total so far ${shardCount}; pages this click ${pageCount - pagesBefore}`);
    console.log(
      `click ${click}: ${Number(ms).toFixed(1)} ms to grid; JS busy ${busy.toFixed(1)} ms; took ${await page.getByTestId('backend-indicator').getAttribute('data-took-ms')}`,
    );
    for (const [k, v] of top) console.log(`   ${v.toFixed(2).padStart(7)} ${k}`);
  }
} finally {
  await browser.close();
  server.kill();
}
