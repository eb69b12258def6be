/**
 * The journal: the shopper's events and the interest state that includes them, kept in the
 * EventStore. The events are the record (after the model's compacted baseline); the stored state is
 * a cache, trusted on load only when it folded all of them. Storage failing never interrupts
 * shopping: the events wait in memory and are written with the next write that works.
 */
import { RecError, toRecError } from './errors.ts';
import type { InteractionEvent } from './interactions.ts';
import { compactEvents, makeRoom, type CompactionContext } from './compaction.ts';
import { emptyState, type InterestState } from './state.ts';

/** At most this many events wait in memory for storage to work again (about 200 bytes each). */
const MAX_UNSAVED_EVENTS = 5000;

export interface JournalOptions extends CompactionContext {
  /** Raw events older than this (ms) are compacted at start-up. */
  readonly retentionMs: number;
  /** Wall clock (epoch ms). */
  readonly now: () => number;
  /** Told about a storage problem the shopper should know of (shopping goes on in memory). */
  readonly onNotice: (error: RecError) => void;
  /** Told about a stored state or baseline that could not be used as it was (see restore). */
  readonly onInvalidState: (error: RecError) => void;
}

export interface Journal {
  /** Compacts events past the retention, then restores the stored state or rebuilds it from the record. */
  restore(): Promise<InterestState>;
  /** Stores events with the state that includes them (see the module header for failures). */
  persist(events: readonly InteractionEvent[], state: InterestState): Promise<void>;
  /** Everything was erased: events waiting in memory are dropped, never written. */
  forgetUnsaved(): void;
}

/** @param options the store, the fold, the retention and where notices go. */
export function createJournal(options: JournalOptions): Journal {
  const { store } = options;
  /** Events not stored yet because storage failed, oldest first. */
  let unsaved: InteractionEvent[] = [];

  /** One write, then (storage full) room made by compaction and one more; the failure that remains, if any. */
  const write = async (batch: readonly InteractionEvent[], state: InterestState): Promise<RecError | null> => {
    try {
      await store.append(batch, state);
      return null;
    } catch (error) {
      const failure = environmentFailure(error);
      if (failure.code !== 'STORAGE_QUOTA_EXCEEDED') return failure;
    }
    // Storage full: compact older history and try once more. `state` already includes the
    // compacted events, so nothing it summarises is lost and the shopper sees no change.
    try {
      await makeRoom(options, batch.length);
      await store.append(batch, state);
      return null;
    } catch (retryError) {
      const failure = environmentFailure(retryError);
      if (failure.code !== 'STORAGE_QUOTA_EXCEEDED') return failure;
      return new RecError(
        'STORAGE_QUOTA_EXCEEDED',
        "This browser's storage for the shop is full, even after compacting older history: your latest activity is kept in memory and saved once there is room.",
        {},
        { cause: retryError },
      );
    }
  };

  /**
   * A stored state or baseline whose vector does not fit the model's dimension (a storage bug, or an
   * edit in devtools) cannot be folded onto: it is reported, not thrown, since the events are the
   * record. A cache is then dropped (rebuilt from the events); a baseline, whose events are gone,
   * keeps everything but its interest.
   */
  const usable = (stored: InterestState | null, kind: 'cache' | 'baseline'): InterestState | null => {
    if (stored === null || stored.vector.length === options.dim) return stored;
    const [what, outcome] =
      kind === 'cache'
        ? ['stored state', 'it is rebuilt from the events']
        : ['compacted baseline', 'its interest starts afresh, its purchases and cart are kept'];
    const found = `has ${stored.vector.length} values, expected ${options.dim} (the model's dim)`;
    options.onInvalidState(new RecError('EVENT_INVALID', `the ${what}'s vector ${found}: ${outcome}`, { field: 'vector' }));
    return kind === 'cache' ? null : { ...stored, vector: new Float32Array(options.dim) };
  };

  return {
    async restore() {
      // Retention first: raw events older than retentionMs are compacted (their effect stays in
      // the baseline). If storage fails, they are kept and tried again at the next start.
      await store
        .loadEvents({ before: options.now() - options.retentionMs })
        .then((old) => compactEvents(options, old, 'retention'))
        .catch((error: unknown) => void environmentFailure(error));
      // These reads are separate transactions: if they straddle another tab's compaction, the
      // state rebuilt here has an eventCount that does not add up either, and the next load
      // rebuilds it again.
      const [storedState, baseline, storedCount] = await Promise.all([
        store.loadState(options.modelKey),
        store.loadBaseline(options.modelKey),
        store.countEvents(),
      ]);
      const state = usable(storedState, 'cache');
      const start = usable(baseline, 'baseline');
      const trusted = state !== null && state.eventCount === (baseline?.eventCount ?? 0) + storedCount;
      return trusted ? state : options.fold(start ?? emptyState(options.modelKey, options.dim), await store.loadEvents());
    },

    async persist(events, state) {
      const batch = unsaved.length === 0 ? events : [...unsaved, ...events];
      const failure = await write(batch, state);
      if (failure === null) {
        unsaved = [];
        return;
      }
      // Over the cap, the oldest unsaved events are dropped: the stored state then no longer adds
      // up, and the next load rebuilds it from what was stored.
      unsaved = batch.slice(-MAX_UNSAVED_EVENTS);
      options.onNotice(failure);
    },

    forgetUnsaved() {
      unsaved = [];
    },
  };
}

/**
 * @param error what a store call threw.
 * @returns it as a RecError of the environment kind (storage unavailable, full, blocked).
 * @throws it, as a RecError, when it is not the environment's fault: that must not be hidden.
 */
function environmentFailure(error: unknown): RecError {
  const failure = toRecError(error, 'STORAGE_UNAVAILABLE');
  if (failure.kind !== 'environment') throw failure;
  return failure;
}
