// scale:inputs measures the build's first steps: it must plan what build:models plans, and write nothing.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from './inputs-cli.ts';

describe('scale:inputs', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vitrine-scale-inputs-'));
    await writeFile(join(root, 'items.jsonl'), ['a', 'b', 'c', 'd'].map((id) => JSON.stringify({ id, title: `item ${id}` })).join('\n'));
    const rows = ['u1,a', 'u1,b', 'u1,c', 'u2,b', 'u2,d', ',a'];
    await writeFile(join(root, 'events.csv'), ['user_id,item_id', ...rows].join('\n'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('prints the seconds of each first step and the plan build:models makes, and writes no model', async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => printed.push(line));
    const out = join(root, 'model');
    const args = ['--catalog', join(root, 'items.jsonl'), '--events', join(root, 'events.csv'), '--out', out, '--holdout-last', '1'];
    expect(await main(args)).toBe(0);
    const result = JSON.parse(printed.join('')) as { seconds: Record<string, number>; plan: Record<string, number> };
    expect(Object.keys(result.seconds)).toEqual(['read catalogue', 'read events', 'sequences']);
    // u1's last (c) and u2's last (d) are held out; the guest's event is in no user sequence.
    expect(result.plan).toEqual({ sequences: 2, trainingEvents: 4, heldOut: 2, users: 2, histories: 2 });
    expect(await readdir(root)).toEqual(['events.csv', 'items.jsonl']);
  });

  it('refuses a command line without --events (exit code 2)', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => errors.push(line));
    expect(await main(['--catalog', join(root, 'items.jsonl'), '--out', join(root, 'model')])).toBe(2);
    expect(errors.join('\n')).toMatch(/--events <file> is required/);
  });
});
