import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRecommender } from '../core/recommender.ts';
import { deps } from '../core/recommender-test-support.ts';
import { applyAvailabilityFile, fetchAvailabilityFile } from './availability-file.ts';

/** A fetch answering one status, body and type, recording what it was asked. */
function answering(status: number, body: string, type = 'application/json') {
  const asked: { url: string; init: RequestInit | undefined }[] = [];
  const fetchFile = ((input: RequestInfo | URL, init?: RequestInit) => {
    asked.push({ url: String(input), init });
    return Promise.resolve(new Response(status === 404 ? 'not found' : body, { status, headers: { 'content-type': type } }));
  }) as typeof fetch;
  return { asked, fetchFile };
}

afterEach(() => vi.restoreAllMocks());

describe('fetchAvailabilityFile', () => {
  it('revalidates availability.json beside the model and parses it', async () => {
    const { asked, fetchFile } = answering(200, '[{"item":"i3","inStock":false}]');
    expect(await fetchAvailabilityFile('/models/shop/', fetchFile)).toEqual([{ item: 'i3', inStock: false }]);
    expect(asked).toEqual([{ url: '/models/shop/availability.json', init: { credentials: 'same-origin', cache: 'no-cache' } }]);
  });

  it('is null when the shop has no such file, or its server answers with its HTML page instead', async () => {
    expect(await fetchAvailabilityFile('/models/shop', answering(404, '').fetchFile)).toBeNull();
    expect(await fetchAvailabilityFile('/models/shop', answering(200, '<!doctype html>', 'text/html; charset=utf-8').fetchFile)).toBeNull();
  });

  it('names the file when the server fails or the file is not JSON', async () => {
    await expect(fetchAvailabilityFile('/models/shop', answering(500, '').fetchFile)).rejects.toMatchObject({
      code: 'MODEL_FETCH_FAILED',
      message: expect.stringContaining('/models/shop/availability.json'),
    });
    await expect(fetchAvailabilityFile('/models/shop', answering(200, '<html>', 'text/plain').fetchFile)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/availability\.json.*not JSON/),
    });
  });
});

describe('applyAvailabilityFile', () => {
  it('takes the listed items out of the ranking and warns about ids the model lacks', async () => {
    const recommender = await createRecommender(deps());
    const [top] = recommender.ranking().items;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await applyAvailabilityFile(
      recommender,
      Promise.resolve([
        { item: top?.item.id, inStock: false },
        { item: 'new', inStock: true },
      ]),
      '/models/shop',
    );
    expect(recommender.ranking().items.map((entry) => entry.item.id)).not.toContain(top?.item.id);
    expect(warn.mock.calls.map(([message]) => String(message))).toEqual([
      'Vitrine: /models/shop/availability.json: 1 item(s) not in the model, ignored until the next build: new',
    ]);
  });

  it('applies nothing of a file with a bad entry, and says which entry, without failing', async () => {
    const recommender = await createRecommender(deps());
    const before = recommender.ranking().items.map((entry) => entry.item.id);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await applyAvailabilityFile(
      recommender,
      Promise.resolve([
        { item: before[0], inStock: false },
        { item: 'i5', price: -1 },
      ]),
      '/models/shop',
    );
    expect(recommender.ranking().items.map((entry) => entry.item.id)).toEqual(before);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/availability\.json was not applied.*\[1\]\.price/);
  });

  it('leaves the model as it is when there is no file or it could not be fetched', async () => {
    const recommender = await createRecommender(deps());
    const before = recommender.ranking().items.map((entry) => entry.item.id);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await applyAvailabilityFile(recommender, Promise.resolve(null), '/models/shop');
    expect(warn).not.toHaveBeenCalled();
    await applyAvailabilityFile(recommender, Promise.reject(new Error('offline')), '/models/shop');
    expect(recommender.ranking().items.map((entry) => entry.item.id)).toEqual(before);
    expect(String(warn.mock.calls[0]?.[0])).toContain('offline');
  });
});
