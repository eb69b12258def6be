import { describe, expect, it } from 'vitest';
import { isRecError } from '../../core/errors.ts';
import { parseBuildOptions, type BuildOptionsRecord } from './build-options.ts';

const FILE = 'models/shop/build-report.json';

/** A record as the builder writes it (a leave-one-out build of a JSONL catalogue). */
const RECORD: BuildOptionsRecord = {
  preset: null,
  catalog: 'data/items.jsonl',
  events: 'data/events.csv',
  itemVectors: null,
  out: 'models/shop',
  catalogId: 'shop',
  fields: { id: 'id', title: ['title', 'name'], category: 'category', brand: null, description: 'description', price: 'price', image: 'image', group: 'group' },
  textTemplate: '{title}. {category}',
  textCase: 'auto',
  eventColumns: {
    item: { name: 'item_id', required: true },
    user: { name: 'user_id', required: false },
    session: null,
    type: { name: 'kind', required: true },
    time: null,
    order: { name: 'position', required: true },
  },
  eventWeights: { review: 1, return: -1 },
  sequence: 'auto',
  window: 'all',
  holdoutLast: 2,
  trainBefore: null,
  dim: 128,
  behaviourWeight: 'default',
  dtype: 'auto',
  minRecall: 0.99,
  recallSample: 2000,
  halfLifeDays: 30,
  maxInvalid: 0.01,
  strict: false,
  workers: 2,
  batchSize: 256,
  seed: 1,
  cache: true,
};

/** @returns the RecError a record fails with (the test fails when it parses). */
function failure(record: unknown): { message: string; field: string | undefined; file: string | undefined } {
  try {
    parseBuildOptions(record, FILE);
  } catch (error) {
    if (!isRecError(error)) throw error;
    expect(error.code).toBe('CONFIG_INVALID');
    return { message: error.message, field: error.location.field, file: error.location.file };
  }
  throw new Error('expected the record to be refused');
}

describe('parseBuildOptions', () => {
  it('reads the inputs, mapping and hold-out a build recorded', () => {
    const build = parseBuildOptions(JSON.parse(JSON.stringify({ ...RECORD, trainBefore: '2011-11-09T00:00:00.000Z', holdoutLast: 0 })), FILE);
    expect(build).toMatchObject({
      preset: null,
      catalog: 'data/items.jsonl',
      events: 'data/events.csv',
      fields: RECORD.fields,
      textCase: 'auto',
      eventColumns: RECORD.eventColumns,
      holdoutLast: 0,
      trainBefore: Date.UTC(2011, 10, 9),
    });
    expect(build.template).toMatchObject({ source: '{title}. {category}', fields: ['title', 'category'] });
    expect([...build.eventWeights]).toEqual([
      ['review', 1],
      ['return', -1],
    ]);
  });

  it('asks for a rebuild when the report predates recorded options', () => {
    expect(failure(undefined)).toEqual({
      message: expect.stringMatching(/records no build options .*rebuild the model with npm run build:models/),
      field: 'options',
      file: FILE,
    });
  });

  it('names the first bad field', () => {
    expect(failure({ ...RECORD, catalog: 7 }).field).toBe('options.catalog');
    expect(failure({ ...RECORD, fields: { ...RECORD.fields, title: [] } }).field).toBe('options.fields.title');
    expect(failure({ ...RECORD, fields: { ...RECORD.fields, brand: undefined } }).field).toBe('options.fields.brand');
    expect(failure({ ...RECORD, eventColumns: { ...RECORD.eventColumns, item: null } }).field).toBe('options.eventColumns.item');
    expect(failure({ ...RECORD, eventColumns: { ...RECORD.eventColumns, type: { name: 'kind' } } }).field).toBe('options.eventColumns.type.required');
    expect(failure({ ...RECORD, eventWeights: { review: '1' } }).field).toBe('options.eventWeights.review');
    expect(failure({ ...RECORD, textCase: 'upper' }).field).toBe('options.textCase');
    expect(failure({ ...RECORD, holdoutLast: 1.5 }).field).toBe('options.holdoutLast');
    expect(failure({ ...RECORD, events: undefined }).field).toBe('options.events');
  });

  it('refuses a template or a cut-off date the builder could not have written', () => {
    expect(failure({ ...RECORD, textTemplate: 'no placeholder' })).toMatchObject({
      field: 'options.textTemplate',
      message: expect.stringMatching(/expected a text template, found "no placeholder"/),
    });
    expect(failure({ ...RECORD, trainBefore: '2011-11-09' })).toMatchObject({
      field: 'options.trainBefore',
      message: expect.stringMatching(/ISO 8601 UTC date-time .* found "2011-11-09"/),
    });
  });
});
