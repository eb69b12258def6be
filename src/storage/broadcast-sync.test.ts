import { afterEach, describe, expect, it } from 'vitest';
import type { SyncChannel } from '../core/ports.ts';
import { createBroadcastSync } from './broadcast-sync.ts';
import { viewEvent } from './test-support.ts';

const opened: SyncChannel[] = [];
const open = (name: string): SyncChannel => {
  const channel = createBroadcastSync(name);
  if (channel === null) throw new Error('BroadcastChannel is missing in this Node');
  opened.push(channel);
  return channel;
};

afterEach(() => {
  for (const channel of opened.splice(0)) channel.close();
});

describe('createBroadcastSync', () => {
  it('delivers a published message to the other channels of the same name, not to the sender', async () => {
    const [a, b, other] = [open('sync-test'), open('sync-test'), open('sync-test-other')];
    const received = { a: [] as unknown[], b: [] as unknown[], other: [] as unknown[] };
    a.subscribe((m) => received.a.push(m));
    b.subscribe((m) => received.b.push(m));
    other.subscribe((m) => received.other.push(m));
    const message = { kind: 'events', events: [viewEvent('e1', 5)] } as const;
    a.publish(message);
    await expect.poll(() => received.b.length).toBe(1);
    expect(received.b[0]).toEqual(message);
    expect(received.a).toEqual([]);
    expect(received.other).toEqual([]);
  });

  it('stops delivering after unsubscribe', async () => {
    const [a, b] = [open('sync-test-2'), open('sync-test-2')];
    const received: unknown[] = [];
    const unsubscribe = b.subscribe((m) => received.push(m));
    a.publish({ kind: 'erased' });
    await expect.poll(() => received.length).toBe(1);
    unsubscribe();
    a.publish({ kind: 'erased' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toHaveLength(1);
  });
});
