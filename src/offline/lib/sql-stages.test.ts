/**
 * The SQL stages are the builder's contract with a shop's warehouse: each must parse in the
 * dialects of the engines shops run (BigQuery, Snowflake, Trino, PostgreSQL/Redshift-style), and
 * the same stage transpiled by a dialect parser must give DuckDB's result unchanged.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import sqlParser from 'node-sql-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQL_STAGES, stageSql } from './event-store.ts';

const DIALECTS = ['bigquery', 'snowflake', 'trino', 'postgresql'] as const;
const parser = new sqlParser.Parser();

/** item_row, user_id, session_id, event_time, event_order, weight, line. */
const EVENTS = [
  [1, "'u0'", "'s0'", 100, 2, 1, 2],
  [2, "'u0'", "'s0'", 100, 3, 0.5, 3],
  [3, "'u1'", "'s1'", 50, 4, 1, 4],
  [4, "'u0'", "'s2'", 300, 5, 1, 5],
  [5, "'u1'", "'s1'", 60, 6, -1, 6],
  [6, 'NULL', "'s3'", 70, 7, 1, 7],
  [7, "'u0'", "'s2'", 200, 8, 0.2, 8],
  [3, "'u2'", 'NULL', 250, 9, 1, 9],
];

let connection: DuckDBConnection;
let instance: DuckDBInstance;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run(
    'CREATE TABLE events (item_row INTEGER, user_id VARCHAR, session_id VARCHAR, event_time DOUBLE, event_order DOUBLE, weight DOUBLE, line INTEGER)',
  );
  await connection.run(`INSERT INTO events VALUES ${EVENTS.map((row) => `(${row.join(', ')})`).join(', ')}`);
  await connection.run(
    "CREATE TABLE params AS SELECT 1 AS holdout_last, CAST(260 AS DOUBLE) AS train_before, 'session' AS sequence_grouping, CAST(86400000 AS DOUBLE) AS half_life_ms",
  );
  await connection.run(`CREATE TABLE training AS ${stageSql('training')}`);
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

/** Stages whose row order means nothing (no ORDER BY); the others' order is their meaning. */
const UNORDERED = new Set(['training', 'popularity']);

async function rows(sql: string, ordered: boolean): Promise<string[]> {
  const lines = (await connection.runAndReadAll(sql))
    .getRowsJS()
    .map((row) => JSON.stringify(row, (_, value: unknown) => (typeof value === 'bigint' ? Number(value) : value)));
  return ordered ? lines : lines.sort();
}

describe('the SQL stages', () => {
  for (const stage of SQL_STAGES) {
    for (const dialect of DIALECTS) {
      it(`${stage}.sql parses as ${dialect} SQL`, () => {
        expect(() => parser.astify(stageSql(stage), { database: dialect })).not.toThrow();
      });
    }

    it(`${stage}.sql gives the same rows on DuckDB as written and as transpiled through the PostgreSQL dialect`, async () => {
      const transpiled = parser.sqlify(parser.astify(stageSql(stage), { database: 'postgresql' }), { database: 'postgresql' });
      const ordered = !UNORDERED.has(stage);
      const written = await rows(stageSql(stage), ordered);
      expect(written.length).toBeGreaterThan(0);
      expect(await rows(transpiled, ordered)).toEqual(written);
    });
  }

  it('the dialect check would catch a stage that is not portable (DuckDB-only syntax)', () => {
    // list() and the :: cast are DuckDB's own; a stage using them must fail the check.
    expect(() =>
      parser.astify('SELECT user_index, list(item_row ORDER BY line) AS items FROM training GROUP BY user_index', { database: 'bigquery' }),
    ).toThrow();
  });
});
