// Responses changed on the way to the page, for tests of what the app makes of damaged files.
import type { Page } from '@playwright/test';

/** Serves `glob` with its body rewritten (and Content-Length to match). */
export async function rewrite(page: Page, glob: string, edit: (body: Buffer) => Buffer): Promise<void> {
  await page.route(glob, async (route) => {
    const response = await route.fetch();
    const body = edit(await response.body());
    // The body is given decoded: drop any content-encoding and give its real length.
    const headers: Record<string, string> = { ...response.headers(), 'content-length': String(body.byteLength) };
    delete headers['content-encoding'];
    await route.fulfill({ response, body, headers });
  });
}
