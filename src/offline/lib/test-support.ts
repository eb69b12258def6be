/**
 * Test support for the builder (never imported by app or builder code): a deterministic fake
 * sentence encoder that records what it embedded, the entry of a fake encoder worker thread
 * for encoder-pool tests, and a sandbox for command-line tests (a temporary folder, the console's
 * error lines), and a plan of a list of events through the SQL stages. Vectors are derived from the text's characters, so equal texts give
 * equal vectors and a changed text a different one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import { serveEncoder } from './encoder-pool.ts';
import { openEventStore } from './event-store.ts';
import type { ParsedEvent } from './ingest/events-input.ts';
import { planInteractions, type InteractionPlan, type PlanOptions } from './sequences.ts';
import type { SentenceEncoder } from '../../engine/text-encoder.ts';

/** A fake encoder and what it was asked to do. */
export interface FakeEncoder {
  readonly loads: number;
  readonly embedded: readonly string[];
  readonly calls: number;
  readonly disposed: number;
  load(): Promise<SentenceEncoder>;
}

/**
 * The unit vector of a text: each component from the text's characters, then normalised.
 * @param text any text.
 * @param dim the vector size.
 */
export function fakeVector(text: string, dim: number): number[] {
  const v = Array.from({ length: dim }, (_, j) => 1 + ((text.charCodeAt(j % text.length) * (j + 1) + j * j) % 17) - 9);
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

/**
 * @param dim the encoder's output size.
 * @returns a fake encoder that counts loads, calls, texts and disposals.
 */
export function fakeEncoder(dim = 4): FakeEncoder {
  const state = { loads: 0, embedded: [] as string[], calls: 0, disposed: 0 };
  return {
    get loads() {
      return state.loads;
    },
    get embedded() {
      return state.embedded;
    },
    get calls() {
      return state.calls;
    },
    get disposed() {
      return state.disposed;
    },
    async load() {
      state.loads++;
      return {
        dim,
        async embed(texts) {
          state.calls++;
          state.embedded.push(...texts);
          return Float32Array.from(texts.flatMap((text) => fakeVector(text, dim)));
        },
        dispose() {
          state.disposed++;
        },
      };
    },
  };
}

/** Worker entry (see encoder-pool.ts): serves a 4-d fake encoder; a text "FAIL" makes it fail. */
export function serveFakeEncoder(): Promise<void> {
  const fake = fakeEncoder(4);
  return serveEncoder(async () => {
    const encoder = await fake.load();
    return {
      ...encoder,
      async embed(texts: readonly string[]) {
        if (texts.includes('FAIL')) throw new Error('the fake encoder was told to fail');
        return encoder.embed(texts);
      },
    };
  });
}

/** What a command-line test works in; both are fresh for each test. */
export interface CliSandbox {
  /** A temporary folder, removed after the test. */
  readonly root: string;
  /** What the command printed with console.error, one entry per call (console.log is silenced). */
  readonly errors: string[];
}

/**
 * Registers the hooks that give each test of the calling file a fresh sandbox.
 * @param prefix the temporary folder's name prefix.
 */
export function useCliSandbox(prefix: string): CliSandbox {
  let root = '';
  const errors: string[] = [];
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
    errors.length = 0;
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      errors.push(args.join(' '));
    });
    vi.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(root, { recursive: true, force: true });
  });
  return {
    get root() {
      return root;
    },
    errors,
  };
}

/**
 * Plans a list of events through the event store and its SQL stages, as the builder does, with
 * ids that need quoting in the spool (a comma, a quote).
 * @param events usable events, in file order.
 * @param options grouping, hold-out and half-life; a sample of up to 1000 histories unless given.
 */
export async function planEventList(
  events: readonly ParsedEvent[],
  options: Omit<PlanOptions, 'historySample'> & Partial<Pick<PlanOptions, 'historySample'>>,
): Promise<InteractionPlan> {
  const store = await openEventStore();
  try {
    for (const { row, user, session, time, order, weight, line } of events) {
      store.add({ row, userId: user === -1 ? '' : `user ${user}`, sessionId: session === -1 ? '' : `session "${session}", a`, time, order, weight, line });
    }
    return await planInteractions(store, { historySample: { count: 1000, seed: 1 }, ...options });
  } finally {
    await store.close();
  }
}

/**
 * Events in file order: line = order = index + 2 (after the header).
 * @param fields per event its row, and any of user, session, time, weight (default -1, -1, 0, 1).
 */
export function eventList(fields: readonly Partial<Pick<ParsedEvent, 'row' | 'user' | 'session' | 'time' | 'weight'>>[]): ParsedEvent[] {
  return fields.map((event, i) => ({ row: 0, user: -1, session: -1, time: 0, weight: 1, ...event, order: i + 2, type: -1, line: i + 2 }));
}
