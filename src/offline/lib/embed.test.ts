import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SentenceEncoder } from '../../engine/text-encoder.ts';
import { cacheKey, embedShard, embedTexts, itemText } from './embed.ts';
import { inShard, parseShard } from './embedding-cache.ts';
import { fakeEncoder } from './test-support.ts';
const DIM = 4;

let cacheDir = '';
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'vitrine-embed-'));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const texts = Array.from({ length: 10 }, (_, i) => `Product ${i}. Kitchen. A pan number ${i}.`);

describe('embedTexts', () => {
  it('embeds in batches, then serves a re-run from the cache without loading the encoder', async () => {
    const first = fakeEncoder();
    const a = await embedTexts(texts, { encoderVersion: 'fake@1', loadEncoder: () => first.load(), cacheDir, batchSize: 4 });
    expect(a).toMatchObject({ dim: DIM, embedded: 10, cached: 0, unique: 10 });
    expect(first.calls).toBe(3);
    expect(first.disposed).toBe(1);

    const second = fakeEncoder();
    const b = await embedTexts(texts, { encoderVersion: 'fake@1', loadEncoder: () => second.load(), cacheDir });
    expect(b).toMatchObject({ dim: DIM, embedded: 0, cached: 10, encoderSeconds: 0 });
    expect(second.loads).toBe(0);
    expect(Array.from(b.vectors)).toEqual(Array.from(a.vectors));
  });

  it('reads back from the files, past one block of records, the vectors an uncached run gives, duplicates included', async () => {
    // More records than one read of the cache file holds (4,096), and each text twice.
    const many = Array.from({ length: 5000 }, (_, i) => `Item ${i}`);
    const input = [...many, ...many.slice(0, 2500)];
    await embedTexts(input, { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder().load(), cacheDir });
    const reread = await embedTexts(input, { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder().load(), cacheDir });
    expect(reread).toMatchObject({ embedded: 0, cached: 5000 });
    const uncached = await embedTexts(input, { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder().load(), cacheDir: null });
    expect(Array.from(reread.vectors)).toEqual(Array.from(uncached.vectors));
  });

  it('embeds only new or changed texts', async () => {
    await embedTexts(texts, { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder().load(), cacheDir });
    const changed = [...texts.slice(0, 9), 'A brand new text.'];
    const encoder = fakeEncoder();
    const result = await embedTexts(changed, { encoderVersion: 'fake@1', loadEncoder: () => encoder.load(), cacheDir });
    expect(result).toMatchObject({ embedded: 1, cached: 9 });
    expect(encoder.embedded).toEqual(['A brand new text.']);
  });

  it('keys the cache by encoder version', async () => {
    await embedTexts(texts, { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder().load(), cacheDir });
    const other = fakeEncoder();
    const result = await embedTexts(texts, { encoderVersion: 'fake@2', loadEncoder: () => other.load(), cacheDir });
    expect(result.embedded).toBe(10);
    expect(other.loads).toBe(1);
    expect((await readdir(cacheDir)).length).toBe(2);
  });

  it('embeds duplicates once and returns rows in input order', async () => {
    const encoder = fakeEncoder();
    const input = ['b text', 'a text', 'b text'];
    const result = await embedTexts(input, { encoderVersion: 'fake@1', loadEncoder: () => encoder.load(), cacheDir: null });
    expect(result).toMatchObject({ embedded: 2, unique: 2 });
    expect(encoder.embedded).toEqual(['b text', 'a text']);
    expect(Array.from(result.vectors.subarray(0, DIM))).toEqual(Array.from(result.vectors.subarray(2 * DIM, 3 * DIM)));
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('survives a torn last record from an interrupted run', async () => {
    await embedTexts(texts, { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder().load(), cacheDir });
    const [name] = await readdir(cacheDir);
    const file = join(cacheDir, name ?? '');
    const full = await readFile(file);
    await writeFile(file, full.subarray(0, full.byteLength - 5));
    const encoder = fakeEncoder();
    const result = await embedTexts(texts, { encoderVersion: 'fake@1', loadEncoder: () => encoder.load(), cacheDir });
    expect(result).toMatchObject({ embedded: 1, cached: 9 });
    expect((await stat(file)).size).toBe(full.byteLength);
  });

  it('starts over when the cached dimension differs from the encoder', async () => {
    await embedTexts(texts, { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder(4).load(), cacheDir });
    const result = await embedTexts([...texts, 'new'], { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder(6).load(), cacheDir });
    expect(result).toMatchObject({ dim: 6, embedded: 11, cached: 0 });
  });

  it('rejects blank texts and empty input', async () => {
    const load = (): Promise<SentenceEncoder> => fakeEncoder().load();
    await expect(embedTexts(['ok', '  '], { encoderVersion: 'v', loadEncoder: load, cacheDir })).rejects.toMatchObject({ code: 'CATALOG_INVALID' });
    await expect(embedTexts([], { encoderVersion: 'v', loadEncoder: load, cacheDir })).rejects.toMatchObject({ code: 'CATALOG_INVALID' });
  });
});

describe('embedShard', () => {
  it('splits the texts over the shards, each into its own file, and the whole build then embeds nothing', async () => {
    const shardEncoders = [fakeEncoder(), fakeEncoder(), fakeEncoder()];
    for (const [i, encoder] of shardEncoders.entries()) {
      await embedShard(texts, { index: i + 1, count: 3 }, { encoderVersion: 'fake@1', loadEncoder: () => encoder.load(), cacheDir });
    }
    const perShard = shardEncoders.map((encoder) => encoder.embedded);
    expect(perShard.flat().sort()).toEqual([...texts].sort());
    expect(perShard.filter((embedded) => embedded.length > 0).length).toBeGreaterThan(1);
    expect((await readdir(cacheDir)).sort()).toEqual(
      perShard.flatMap((embedded, i) => (embedded.length > 0 ? [expect.stringMatching(new RegExp(`\\.shard-${i + 1}-of-3\\.vec$`, 'u'))] : [])),
    );

    const whole = fakeEncoder();
    const merged = await embedTexts(texts, { encoderVersion: 'fake@1', loadEncoder: () => whole.load(), cacheDir });
    expect(whole.loads).toBe(0);
    expect(merged).toMatchObject({ embedded: 0, cached: 10 });
    const unsharded = await embedTexts(texts, { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder().load(), cacheDir: null });
    expect(Array.from(merged.vectors)).toEqual(Array.from(unsharded.vectors));
  });

  it('skips texts another file of the folder already holds, and needs a cache', async () => {
    await embedTexts(texts.slice(0, 6), { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder().load(), cacheDir });
    const encoder = fakeEncoder();
    const result = await embedShard(texts, { index: 1, count: 1 }, { encoderVersion: 'fake@1', loadEncoder: () => encoder.load(), cacheDir });
    expect(encoder.embedded).toEqual(texts.slice(6));
    expect(result).toMatchObject({ unique: 10, embedded: 4, cached: 6 });
    await expect(
      embedShard(texts, { index: 1, count: 2 }, { encoderVersion: 'fake@1', loadEncoder: () => encoder.load(), cacheDir: null }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/--no-cache/u),
    });
  });

  it('puts every key in exactly one shard', () => {
    for (const text of texts) {
      const key = cacheKey('fake@1', text);
      expect([1, 2, 3, 4].filter((index) => inShard(key, { index, count: 4 }))).toHaveLength(1);
    }
  });

  it('picks a key’s shard from its first 8 hex digits', () => {
    const key = (first: string, rest: string): string => `${first}${rest.repeat(56)}`;
    expect(inShard(key('00000005', 'a'), { index: 2, count: 4 })).toBe(true);
    expect(inShard(key('00000005', 'f'), { index: 2, count: 4 })).toBe(true);
    expect(inShard(key('0000000c', '0'), { index: 1, count: 4 })).toBe(true);
  });

  it('reads i/n and names what is wrong with anything else', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    expect(parseShard(' 12/34 ')).toEqual({ index: 12, count: 34 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    expect(parseShard('10000/10000')).toEqual({ index: 10_000, count: 10_000 });
    for (const bad of ['0/2', '3/2', '1/0', '1-2', 'a/b', '', '1/10001', 'x1/2', '1/2x']) {
      expect(() => parseShard(bad)).toThrow(new RegExp(`--shard takes i/n .* found "${bad}"`, 'u'));
    }
  });

  it('never writes another shard’s file: a torn one is read up to its last whole record and left as it is', async () => {
    await embedShard(texts, { index: 1, count: 1 }, { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder().load(), cacheDir });
    const [name] = await readdir(cacheDir);
    expect(name).toMatch(/^fake_1-[0-9a-f]{8}\.shard-1-of-1\.vec$/u);
    const file = join(cacheDir, name ?? '');
    const torn = (await readFile(file)).subarray(0, -5);
    await writeFile(file, torn);
    const whole = fakeEncoder();
    expect(await embedTexts(texts, { encoderVersion: 'fake@1', loadEncoder: () => whole.load(), cacheDir })).toMatchObject({ embedded: 1, cached: 9 });
    expect(await readFile(file)).toEqual(torn);
    expect((await readdir(cacheDir)).sort()).toEqual([name, expect.stringMatching(/^fake_1-[0-9a-f]{8}\.vec$/u)]);
  });

  it('leaves out another file of the folder written at another dimension', async () => {
    await embedTexts(texts.slice(0, 2), { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder(4).load(), cacheDir });
    // A shard run with an encoder of another size starts its own file over at its size.
    await embedShard(texts, { index: 1, count: 1 }, { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder(6).load(), cacheDir });
    const result = await embedTexts(texts, { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder(4).load(), cacheDir });
    expect(result).toMatchObject({ dim: 4, embedded: 8, cached: 2 });
    expect(result.vectors).toHaveLength(40);
  });

  it('does not reuse a file that is not a cache file: another magic, or shorter than a header', async () => {
    await embedTexts(texts, { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder().load(), cacheDir });
    const [name] = await readdir(cacheDir);
    const file = join(cacheDir, name ?? '');
    const bytes = await readFile(file);
    bytes.write('XXXX', 0, 'latin1');
    await writeFile(file, bytes);
    expect(await embedTexts(texts, { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder().load(), cacheDir })).toMatchObject({ embedded: 10 });
    await writeFile(file, bytes.subarray(0, 15));
    expect(await embedTexts(texts, { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder().load(), cacheDir })).toMatchObject({ embedded: 10 });
  });

  it('does not reuse a cache file of the earlier layout (vectors of padded batches)', async () => {
    await embedTexts(texts, { encoderVersion: 'fake@1', loadEncoder: () => fakeEncoder().load(), cacheDir });
    const [name] = await readdir(cacheDir);
    const file = join(cacheDir, name ?? '');
    const bytes = await readFile(file);
    bytes.writeUInt32LE(1, 4);
    await writeFile(file, bytes);
    const encoder = fakeEncoder();
    expect(await embedTexts(texts, { encoderVersion: 'fake@1', loadEncoder: () => encoder.load(), cacheDir })).toMatchObject({ embedded: 10, cached: 0 });
    expect((await readFile(file)).readUInt32LE(4)).toBe(2);
  });
});

describe('itemText and cacheKey', () => {
  it('joins title, category and description, leaving out empty parts', () => {
    expect(itemText({ title: 'Frying Pan', category: 'Kitchen', description: 'Non-stick.' })).toBe('Frying Pan. Kitchen. Non-stick.');
    expect(itemText({ title: 'Frying Pan', category: null, description: '' })).toBe('Frying Pan');
  });

  it('hashes the version and text together', () => {
    expect(cacheKey('v1', 'a')).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey('v1', 'a')).not.toBe(cacheKey('v2', 'a'));
    expect(cacheKey('v1', 'ab')).not.toBe(cacheKey('v1a', 'b'));
  });
});
