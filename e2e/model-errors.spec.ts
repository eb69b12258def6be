// A broken or missing model never gives a blank page: the storefront names the file, what it
// expected and what it found. Files are corrupted in flight with page.route (same origin, GET).
import { expect, test } from './fixtures.ts';

test('a missing model folder names the manifest URL and the HTTP status', async ({ page }) => {
  await page.goto('/?models=no-such-model');
  const alert = page.getByRole('alert');
  await expect(alert).toHaveAttribute('data-error-code', 'MODEL_FETCH_FAILED');
  await expect(alert).toContainText('/models/no-such-model/manifest.json');
  await expect(alert).toContainText('404');
});

test('one flipped byte in the vectors file is reported as a checksum mismatch', async ({ page }) => {
  await page.route('**/models/demo/vectors.*', async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    body[1000] = (body[1000] ?? 0) ^ 0x01;
    await route.fulfill({ response, body });
  });
  await page.goto('/');
  const alert = page.getByRole('alert');
  await expect(alert).toHaveAttribute('data-error-code', 'MODEL_CHECKSUM_MISMATCH');
  await expect(alert).toContainText(/\/models\/demo\/vectors\.float32\.bin: expected sha256 [0-9a-f]{64} \(manifest\), found [0-9a-f]{64}/);
});

test('a truncated catalogue is reported with expected and found sizes', async ({ page }) => {
  await page.route('**/models/demo/catalog.json', async (route) => {
    const response = await route.fetch();
    const body = (await response.body()).subarray(0, 1000);
    await route.fulfill({ response, body, headers: { ...response.headers(), 'content-length': '1000' } });
  });
  await page.goto('/');
  const alert = page.getByRole('alert');
  await expect(alert).toHaveAttribute('data-error-code', 'MODEL_FILE_SIZE_MISMATCH');
  await expect(alert).toContainText(/catalog\.json: expected \d+ bytes \(manifest\), found 1000 \(truncated\?\)/);
});

test('a bad URL parameter names the parameter and the value', async ({ page }) => {
  await page.goto('/?backend=quantum');
  const alert = page.getByRole('alert');
  await expect(alert).toHaveAttribute('data-error-code', 'CONFIG_INVALID');
  await expect(alert).toContainText('"backend" must be one of webgpu, webgl, wasm, cpu, found "quantum"');
});
