import { describe, expect, it } from 'vitest';
import { serialQueue } from './serial-queue.ts';

/** A task that records its name when it runs and finishes only when released. */
function gate(log: string[], name: string): { task: () => Promise<string>; release: () => void } {
  let release: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (release = resolve));
  return {
    task: async () => {
      log.push(`${name} started`);
      await done;
      log.push(`${name} done`);
      return name;
    },
    release: () => release(),
  };
}

describe('serialQueue().run', () => {
  it('runs each task only after the one before has finished, and a failed task does not stop the next', async () => {
    const log: string[] = [];
    const queue = serialQueue();
    const first = gate(log, 'first');
    const ran = [queue.run(first.task), queue.run(() => Promise.reject(new Error('second failed'))), queue.run(async () => (log.push('third'), 'third'))];
    await Promise.resolve();
    expect(log).toEqual(['first started']);
    first.release();
    const settled = await Promise.allSettled(ran);
    expect(log).toEqual(['first started', 'first done', 'third']);
    expect(settled.map((each) => each.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('serialQueue().batcher', () => {
  it('hands items that arrive while earlier work runs to one call, in order, and gives each the batch result', async () => {
    const log: string[] = [];
    const queue = serialQueue();
    const batches: number[][] = [];
    const add = queue.batcher(async (items: readonly number[]) => (batches.push([...items]), `batch of ${items.length}`));
    const busy = gate(log, 'busy');
    void queue.run(busy.task);
    const results = [1, 2, 3].map(add);
    busy.release();
    expect(await Promise.all(results)).toEqual(['batch of 3', 'batch of 3', 'batch of 3']);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch for an item that comes after the batch started', async () => {
    const queue = serialQueue();
    const batches: number[][] = [];
    let releaseFirst: () => void = () => undefined;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const add = queue.batcher(async (items: readonly number[]) => {
      batches.push([...items]);
      if (batches.length === 1) await firstHeld;
      return batches.length;
    });
    const first = add(1);
    await new Promise((settle) => setTimeout(settle, 0));
    expect(batches).toEqual([[1]]);
    const second = add(2);
    const third = add(3);
    releaseFirst();
    expect([await first, await second, await third]).toEqual([1, 2, 2]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('keeps the order with other tasks: an item queued after another task does not join the batch before it', async () => {
    const log: string[] = [];
    const queue = serialQueue();
    const add = queue.batcher(async (items: readonly string[]) => void log.push(`batch ${items.join('+')}`));
    const busy = gate(log, 'busy');
    void queue.run(busy.task);
    const done = [add('a'), queue.run(async () => void log.push('search')), add('b'), add('c')];
    busy.release();
    await Promise.all(done);
    expect(log).toEqual(['busy started', 'busy done', 'batch a', 'search', 'batch b+c']);
  });

  it('rejects every item of a failed batch, and runs the next batch', async () => {
    const queue = serialQueue();
    const add = queue.batcher(async (items: readonly number[]) => {
      if (items.includes(0)) throw new Error('a zero in the batch');
      return items.length;
    });
    const failed = [add(0), add(1)];
    await expect(failed[0]).rejects.toThrow('a zero in the batch');
    await expect(failed[1]).rejects.toThrow('a zero in the batch');
    expect(await add(2)).toBe(1);
  });

  it('does not put items of two batchers into one batch', async () => {
    const queue = serialQueue();
    const calls: string[] = [];
    const addA = queue.batcher(async (items: readonly number[]) => void calls.push(`A ${items.join(',')}`));
    const addB = queue.batcher(async (items: readonly number[]) => void calls.push(`B ${items.join(',')}`));
    await Promise.all([addA(1), addB(2), addA(3)]);
    expect(calls).toEqual(['A 1', 'B 2', 'A 3']);
  });
});
