// The Content-Security-Policy (privacy): the served app carries a strict policy, nothing in
// normal use violates it on any backend (the `csp` fixture fails every storefront test on a
// violation), and a deliberate violation is reported, which proves the listener works.
import { expect, test, type CspMonitor, type Storefront } from './fixtures.ts';

/** Directive -> sources, from a serialised policy. */
function parsePolicy(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name !== undefined && name !== '') directives.set(name, sources);
  }
  return directives;
}

/** Views and carts a product of the top card's department, then searches (the encoder runs on wasm). */
async function shortSession(storefront: Storefront, query: string | null): Promise<void> {
  const id = (await storefront.topIds(1))[0] ?? '';
  await storefront.viewAndAddToCart(id);
  if (query !== null) await storefront.search(query);
}

/** Fails with the violations themselves, not just a count. */
function expectNone(csp: CspMonitor): void {
  expect(csp.violations, 'Content-Security-Policy violations').toEqual([]);
}

test('the app is served with a strict policy, as a header and as a <meta> tag, and no inline script', async ({ page }) => {
  const response = await page.goto('/');
  const header = response?.headers()['content-security-policy'] ?? '';
  const policy = parsePolicy(header);
  expect(policy.get('default-src')).toEqual(["'none'"]);
  expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  expect(policy.get('style-src')).toEqual(["'self'"]);
  expect(policy.get('connect-src')).toEqual(["'self'"]);
  expect(policy.get('img-src')).toEqual(["'self'"]);
  expect(policy.get('object-src')).toEqual(["'none'"]);
  expect(policy.get('base-uri')).toEqual(["'none'"]);
  expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  expect(policy.get('require-trusted-types-for')).toEqual(["'script'"]);
  expect(header).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*|https?:|data:|blob:/);

  // For static hosts: the same policy in the page, minus what <meta> cannot carry.
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  const expected = new Map(policy);
  expected.delete('frame-ancestors');
  expect(parsePolicy(meta ?? '')).toEqual(expected);

  // Every script the document was served with is an external file of our own origin.
  const html = (await response?.text()) ?? '';
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  expect(scripts.length).toBeGreaterThan(0);
  for (const [, attributes, body] of scripts) {
    expect(attributes).toMatch(/\bsrc="\/[^/]/);
    expect(body?.trim()).toBe('');
  }
  expect(html).not.toMatch(/\son[a-z]+=/i);
});

test('a session on WebGPU with a search (encoder on wasm) violates nothing', async ({ storefront, csp }) => {
  // Asked for: by default the backend is calibrated, and on this machine a CPU backend wins.
  await storefront.open('?backend=webgpu');
  expect(await storefront.backend()).toBe('webgpu');
  await shortSession(storefront, 'garden hose');
  expectNone(csp);
});

test('a session without WebGPU (the fallback) with a search violates nothing', async ({ storefront, csp, page }) => {
  await page.addInitScript(() => {
    delete (Navigator.prototype as { gpu?: unknown }).gpu;
  });
  await storefront.open();
  expect(['webgl', 'wasm', 'cpu']).toContain(await storefront.backend());
  await shortSession(storefront, 'wireless headphones');
  expectNone(csp);
});

for (const backend of ['wasm', 'cpu'] as const) {
  test(`a session on the ${backend} backend violates nothing`, async ({ storefront, csp }) => {
    await storefront.open(`?backend=${backend}`);
    expect(await storefront.backend()).toBe(backend);
    await shortSession(storefront, null);
    expectNone(csp);
  });
}

test('a deliberate violation is reported: an injected inline script and a request to another origin', async ({ storefront, csp, page }) => {
  csp.provoke();
  await storefront.open();
  expectNone(csp);

  const outcome = await page.evaluate(async () => {
    const flags = window as unknown as { __cspInlineRan?: boolean };
    let injection = 'inserted';
    try {
      const script = document.createElement('script');
      script.textContent = 'window.__cspInlineRan = true;';
      document.head.append(script);
    } catch (error) {
      // With Trusted Types enforced, assigning script text throws before the script exists.
      injection = `threw ${(error as Error).name}`;
    }
    let fetched: string;
    try {
      await fetch('http://example.invalid/collect');
      fetched = 'sent';
    } catch (error) {
      fetched = `refused: ${(error as Error).name}`;
    }
    return { injection, ran: flags.__cspInlineRan === true, fetched };
  });
  expect(outcome.ran).toBe(false);
  expect(outcome.fetched).toBe('refused: TypeError');

  await expect.poll(() => csp.violations.map((v) => v.directive)).toEqual(expect.arrayContaining(['connect-src']));
  expect(csp.violations.some((v) => v.directive === 'connect-src' && v.blocked.startsWith('http://example.invalid'))).toBe(true);
  // The script is refused by Trusted Types (require-trusted-types-for) or, without them, script-src.
  expect(csp.violations.some((v) => v.directive === 'require-trusted-types-for' || (v.directive === 'script-src-elem' && v.blocked === 'inline'))).toBe(true);
});
