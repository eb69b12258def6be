/**
 * Typed events: one map per emitter, declared once. `on()` returns its own unsubscribe, and a
 * listener that throws does not stop the others (modelled on excalidraw's emitter).
 */

export type EventMap = Record<string, readonly unknown[]>;
export type Unsubscribe = () => void;

export interface Emitter<Events extends EventMap> {
  on<Name extends keyof Events>(name: Name, listener: (...args: Events[Name]) => void): Unsubscribe;
  emit<Name extends keyof Events>(name: Name, ...args: Events[Name]): void;
  clear(): void;
}

/** @param onListenerError called when a listener throws (default: rethrown asynchronously). */
export function createEmitter<Events extends EventMap>(
  onListenerError: (error: unknown) => void = (error) =>
    queueMicrotask(() => {
      throw error;
    }),
): Emitter<Events> {
  // Listeners are stored untyped; on() and emit() are the only way in and both are typed by name.
  type StoredListener = (...args: readonly unknown[]) => void;
  const listeners = new Map<keyof Events, Set<StoredListener>>();
  return {
    on(name, listener) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      const stored = listener as unknown as StoredListener;
      set.add(stored);
      return () => set.delete(stored);
    },
    emit(name, ...args) {
      for (const listener of [...(listeners.get(name) ?? [])]) {
        try {
          listener(...args);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    clear() {
      listeners.clear();
    },
  };
}
