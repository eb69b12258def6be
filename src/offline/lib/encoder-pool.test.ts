import { describe, expect, it } from 'vitest';
import { createEncoderPool } from './encoder-pool.ts';
import { fakeVector } from './test-support.ts';

const worker = { module: new URL('./test-support.ts', import.meta.url), entry: 'serveFakeEncoder' };

describe('createEncoderPool', () => {
  it('spreads chunks over worker threads and returns rows in input order', async () => {
    const pool = await createEncoderPool({ size: 2, worker, chunkSize: 3 });
    try {
      expect(pool).toMatchObject({ dim: 4, size: 2 });
      const texts = Array.from({ length: 11 }, (_, i) => `text number ${i}`);
      const rows = await pool.embed(texts);
      expect(rows).toHaveLength(11 * 4);
      texts.forEach((text, i) => {
        expect(Array.from(rows.subarray(i * 4, i * 4 + 4))).toEqual(Array.from(Float32Array.from(fakeVector(text, 4))));
      });
    } finally {
      pool.dispose();
    }
  });

  it('turns a worker failure into ENCODER_UNAVAILABLE', async () => {
    const pool = await createEncoderPool({ size: 1, worker });
    try {
      await expect(pool.embed(['ok', 'FAIL'])).rejects.toMatchObject({ code: 'ENCODER_UNAVAILABLE', message: expect.stringMatching(/told to fail/) });
    } finally {
      pool.dispose();
    }
  });

  it('reports a worker that cannot start', async () => {
    await expect(createEncoderPool({ size: 1, worker: { ...worker, entry: 'noSuchExport' } })).rejects.toMatchObject({ code: 'ENCODER_UNAVAILABLE' });
  });
});
