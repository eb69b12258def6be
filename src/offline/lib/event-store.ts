/**
 * The builder's event log in an embedded SQL engine (DuckDB), so that the split, the sequences,
 * the histories and the popularity counts are SQL stages (./sql/*.sql) with bounded memory: past
 * DuckDB's memory limit, its sorts and windows spill to a temporary folder instead of growing the
 * process. The same stage files are what a shop runs in its warehouse (docs: "The SQL stages").
 *
 * The reader validates each row in JavaScript (its counted, reasoned skips stay as they are) and
 * hands each usable event to `add`, which spools it to a CSV file in the temporary folder; `seal`
 * loads that file as the table `events`. Nothing here holds the log in the JavaScript heap.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { RecError } from '../../core/errors.ts';
import type { LoggedEvent } from './ingest/events-input.ts';

/** The SQL stages, each a SELECT in its own file under ./sql. */
export const SQL_STAGES = ['training', 'sequences', 'histories', 'popularity', 'summary'] as const;
export type SqlStage = (typeof SQL_STAGES)[number];

/** The columns of the table `events`, in the spool file's order. */
export const EVENT_COLUMNS = {
  item_row: 'INTEGER',
  user_id: 'VARCHAR',
  session_id: 'VARCHAR',
  event_time: 'DOUBLE',
  event_order: 'DOUBLE',
  weight: 'DOUBLE',
  line: 'INTEGER',
} as const;

/** The one-row table `params` the stages read. */
export interface StageParams {
  /** Each user's last N events are held out (0: none). */
  readonly holdoutLast: number;
  /** Epoch ms: events at or after it are held out; null: none. */
  readonly trainBefore: number | null;
  readonly sequenceGrouping: 'session' | 'user';
  /** The popularity half-life in ms; null: no decay. */
  readonly halfLifeMs: number | null;
}

/** A value in a stage's result: a number, an id, or null. */
export type StageValue = number | string | null;

export interface EventStore {
  /** Spools one usable event (in file order). */
  add(event: LoggedEvent): void;
  /** Loads the spooled events as the table `events` and sets `params`; `add` is refused after it. */
  seal(params: StageParams): Promise<void>;
  /** Runs a stage and keeps its result as a table of the stage's name. */
  keep(stage: SqlStage): Promise<void>;
  /**
   * Runs a stage and hands its result over chunk by chunk (a few thousand rows), in the stage's order.
   * @param visit gets the chunk's columns (numbers, BIGINT counts converted, or id strings) and its row count.
   */
  read(stage: SqlStage, visit: (columns: readonly (readonly StageValue[])[], rows: number) => void): Promise<void>;
  /** Closes the engine and deletes the temporary folder. */
  close(): Promise<void>;
}

/** DuckDB's memory limit: enough for the sorts of a few million events in memory; larger logs spill. */
const MEMORY_LIMIT = '1GB';
/** Spooled lines written at once. */
const SPOOL_BATCH = 65_536;

/** @returns the text of a stage's SQL file. */
export function stageSql(stage: SqlStage): string {
  return readFileSync(new URL(`./sql/${stage}.sql`, import.meta.url), 'utf8');
}

/**
 * Opens a store in a new folder under the OS's temporary folder (TMPDIR), for the spool, the
 * database file and DuckDB's spill files; close() deletes it.
 * @throws RecError CONFIG_INVALID when the temporary folder cannot be made.
 */
export async function openEventStore(): Promise<EventStore> {
  const folder = makeTempFolder(tmpdir());
  const spoolPath = join(folder, 'events.csv');
  const spool = openSync(spoolPath, 'w');
  let pending: string[] = [];
  let sealed = false;
  let connection: DuckDBConnection | null = null;
  let instance: DuckDBInstance | null = null;

  const flush = (): void => {
    if (pending.length === 0) return;
    writeSync(spool, pending.join(''));
    pending = [];
  };
  const engine = (): DuckDBConnection => {
    if (connection === null) throw new RecError('INTERNAL', 'the event store is not sealed yet: call seal() before running a stage');
    return connection;
  };

  return {
    add(event) {
      if (sealed) throw new RecError('INTERNAL', 'the event store is sealed: no event can be added after seal()');
      pending.push(`${event.row},${csvId(event.userId)},${csvId(event.sessionId)},${event.time},${event.order},${event.weight},${event.line}\n`);
      if (pending.length >= SPOOL_BATCH) flush();
    },
    async seal(params) {
      if (sealed) throw new RecError('INTERNAL', 'the event store is already sealed');
      sealed = true;
      flush();
      closeSync(spool);
      // A database file, not ':memory:': its tables live on disk and only DuckDB's buffer pool, capped
      // by the memory limit, is in memory.
      instance = await DuckDBInstance.create(join(folder, 'events.duckdb'), {
        memory_limit: MEMORY_LIMIT,
        temp_directory: join(folder, 'spill'),
        threads: String(availableParallelism()),
        preserve_insertion_order: 'false',
      });
      connection = await instance.connect();
      const columns = Object.entries(EVENT_COLUMNS)
        .map(([name, type]) => `'${name}': '${type}'`)
        .join(', ');
      await connection.run(
        `CREATE TABLE events AS SELECT * FROM read_csv('${spoolPath.replaceAll("'", "''")}', auto_detect = false, header = false, delim = ',', quote = '"', escape = '"', columns = {${columns}})`,
      );
      await connection.run('CREATE TABLE params (holdout_last INTEGER, train_before DOUBLE, sequence_grouping VARCHAR, half_life_ms DOUBLE)');
      await connection.run('INSERT INTO params VALUES ($1, $2, $3, $4)', [params.holdoutLast, params.trainBefore, params.sequenceGrouping, params.halfLifeMs]);
    },
    async keep(stage) {
      await engine().run(`CREATE TABLE ${stage} AS ${stageSql(stage)}`);
    },
    async read(stage, visit) {
      const result = await engine().stream(stageSql(stage));
      for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const columns = Array.from({ length: chunk.columnCount }, (_, i) => chunk.getColumnValues(i).map(toStageValue));
        visit(columns, chunk.rowCount);
      }
    },
    async close() {
      if (!sealed) closeSync(spool);
      connection?.closeSync();
      instance?.closeSync();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** An id as a CSV field: none ('') as an empty field, which DuckDB reads as NULL; any other quoted. */
function csvId(id: string): string {
  if (id === '') return '';
  return id.includes('"') ? `"${id.replaceAll('"', '""')}"` : `"${id}"`;
}

function toStageValue(value: DuckDBValue): StageValue {
  if (value === null || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new RecError('INTERNAL', `a SQL stage returned ${String(value)} where a number or an id was expected`);
}

function makeTempFolder(parent: string): string {
  try {
    return mkdtempSync(join(parent, 'vitrine-events-'));
  } catch (error) {
    throw new RecError('CONFIG_INVALID', `cannot make a temporary folder for the event log in ${parent} (${(error as Error).message})`, {}, { cause: error });
  }
}
