/**
 * The evaluation tests' data set: three users' item rows in order, over eight items. With the last
 * two of each held out, training is rows 0, 1 | 1 | 2, 1 (counts r0 1, r1 3, r2 1, the rest 0);
 * the test targets are rows 3, 7 and 5. eval.test.ts works out its metrics by hand, and cli.test.ts
 * expects the same numbers from the whole command (built with the helpers below, which the trainer's
 * CLI test shares).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main as build } from '../builder/cli.ts';
import { fakeEncoder } from '../lib/test-support.ts';

export const FIXTURE_USERS: readonly (readonly number[])[] = [
  [0, 1, 2, 3],
  [1, 0, 7],
  [2, 1, 0, 5],
];
export const FIXTURE_ITEMS = 8;

/** The fake encoder and a cache folder under the test's temporary root. */
export interface FixtureDeps {
  readonly loadEncoder: () => ReturnType<ReturnType<typeof fakeEncoder>['load']>;
  readonly cacheDir: string;
}

const encoder = fakeEncoder(16);

/** @param root the test's temporary folder. */
export function fixtureDeps(root: string): FixtureDeps {
  return { loadEncoder: () => encoder.load(), cacheDir: join(root, 'cache') };
}

export interface FixtureData {
  readonly catalog: string;
  readonly events: string;
}

/**
 * Writes the fixture's catalogue (one title per item) and event log (FIXTURE_USERS, order only).
 * @param root the test's temporary folder.
 * @param options blankTitle: an item left without a title (the builder then skips it).
 */
export async function writeFixtureData(root: string, options: { blankTitle?: number } = {}): Promise<FixtureData> {
  const catalog = join(root, `items-${options.blankTitle ?? 'all'}.jsonl`);
  const titles = ['red kettle', 'blue kettle', 'garden hose', 'rose seeds', 'toy train', 'board game', 'cook book', 'novel'];
  await writeFile(catalog, titles.map((title, i) => JSON.stringify({ id: `p${i}`, title: i === options.blankTitle ? '' : title })).join('\n') + '\n');
  const events = join(root, 'events.csv');
  await writeFile(
    events,
    ['user_id,item_id,event_type,position', ...FIXTURE_USERS.flatMap((rows, user) => rows.map((row, position) => `u${user},p${row},review,${position}`))].join(
      '\n',
    ) + '\n',
  );
  return { catalog, events };
}

/**
 * Builds the fixture model with the builder's CLI (fake encoder, 4 dimensions).
 * @param root the test's temporary folder.
 * @param name the model folder's name under it.
 * @param extra more builder flags, e.g. --holdout-last 2.
 * @param data from writeFixtureData.
 * @returns the builder's exit code and the model folder.
 */
export async function buildFixtureModel(root: string, name: string, extra: readonly string[], data: FixtureData): Promise<{ code: number; out: string }> {
  const out = join(root, name);
  const mapping = [
    '--event-time',
    'none',
    '--event-order',
    'position',
    '--event-weights',
    'review=1',
    '--sequence',
    'user',
    '--dim',
    '4',
    '--max-invalid',
    '50%',
  ];
  const code = await build(['--catalog', data.catalog, '--events', data.events, '--out', out, ...mapping, ...extra, '--workers', '1', '--quiet'], {
    encoder: { name: 'fake-encoder', version: 'fake@1' },
    ...fixtureDeps(root),
  });
  return { code, out };
}
