/**
 * Cross-tab sync over BroadcastChannel: every tab of the shop (same origin) publishes the events it
 * stored, so the other tabs fold them in and re-rank. BroadcastChannel never delivers a message to
 * the channel that sent it, and messages are structured clones, validated by the receiver (core).
 */
import type { SyncChannel, SyncMessage } from '../core/ports.ts';

/** The channel every Vitrine tab of one origin joins. */
export const SYNC_CHANNEL_NAME = 'vitrine:events';

/**
 * @param name the channel name (tests use their own).
 * @returns a channel, or null where BroadcastChannel does not exist (the tab then works alone).
 */
export function createBroadcastSync(name: string = SYNC_CHANNEL_NAME): SyncChannel | null {
  if (typeof BroadcastChannel === 'undefined') return null;
  const channel = new BroadcastChannel(name);
  return {
    publish(message: SyncMessage) {
      channel.postMessage(message);
    },
    subscribe(listener) {
      const onMessage = (event: MessageEvent<unknown>): void => listener(event.data);
      channel.addEventListener('message', onMessage);
      return () => channel.removeEventListener('message', onMessage);
    },
    close() {
      channel.close();
    },
  };
}
