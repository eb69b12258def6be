// The event store's own duties: ids that need quoting keep their identity in the spool, its
// temporary folder (wherever TMPDIR points) is deleted on close, and its order of calls is enforced.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStore, type StageParams } from './event-store.ts';
import type { LoggedEvent } from './ingest/events-input.ts';

const PARAMS: StageParams = { holdoutLast: 0, trainBefore: null, sequenceGrouping: 'user', halfLifeMs: null };
const event = (line: number, userId: string): LoggedEvent => ({ row: 0, userId, sessionId: '', time: 0, order: line, weight: 1, line });

const originalTmpdir = process.env['TMPDIR'];
afterEach(() => {
  if (originalTmpdir === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = originalTmpdir;
});

describe('openEventStore', () => {
  it('keeps ids with commas, quotes and line breaks apart, and an empty id as no user', async () => {
    const store = await openEventStore();
    try {
      const ids = ['a,b', 'a', 'say "hi"', 'line\nbreak', 'line', ''];
      ids.forEach((id, i) => store.add(event(i + 2, id)));
      await store.seal(PARAMS);
      await store.keep('training');
      const summary: number[] = [];
      await store.read('summary', (columns) => summary.push(Number(columns[1]?.[0])));
      // Five distinct users; the empty id is a guest.
      expect(summary).toEqual([5]);
    } finally {
      await store.close();
    }
  });

  it('works in a temporary folder whose path has a quote, and deletes its folder on close, sealed or not', async () => {
    const parent = join(mkdtempSync(join(tmpdir(), 'vitrine-store-test-')), "shop's tmp");
    mkdirSync(parent);
    process.env['TMPDIR'] = parent;
    try {
      const sealed = await openEventStore();
      sealed.add(event(2, 'u1'));
      await sealed.seal(PARAMS);
      await sealed.keep('training');
      const unsealed = await openEventStore();
      expect(readdirSync(parent)).toHaveLength(2);
      await sealed.close();
      await unsealed.close();
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      rmSync(join(parent, '..'), { recursive: true, force: true });
    }
    expect(existsSync(parent)).toBe(false);
  });

  it('refuses an event after seal, a second seal, and a stage before seal', async () => {
    const store = await openEventStore();
    try {
      await expect(store.keep('training')).rejects.toThrow(/not sealed yet/);
      await store.seal(PARAMS);
      expect(() => store.add(event(2, 'u1'))).toThrow(/sealed: no event can be added/);
      await expect(store.seal(PARAMS)).rejects.toThrow(/already sealed/);
    } finally {
      await store.close();
    }
  });
});
