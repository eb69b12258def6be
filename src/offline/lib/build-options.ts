/**
 * The builder's resolved options as data. The builder records every option it ran with (after
 * presets and defaults) as `options` in the model folder's build-report.json, and later steps
 * (evaluation, training) read the part they need back through `parseBuildOptions`: the input
 * files, the mapping they were read with and the hold-out. So a model folder is evaluable on its
 * own, without re-running the builder's command-line parser on its recorded command.
 */
import { RecError } from '../../core/errors.ts';
import { readArray, readBoolean, readNumber, readOneOf, readRecord, readString, type Reader } from '../../core/validate.ts';
import type { VectorDtype } from '../../core/vectors.ts';
import type { CatalogFields } from './ingest/catalog-input.ts';
import type { Column, ColumnSpec, EventColumns } from './ingest/events-input.ts';
import { parseTextTemplate, TEXT_CASES, type TextCase, type TextTemplate } from './ingest/text-template.ts';
import type { SequenceGrouping } from './sequences.ts';

/** The stored vector type, or `auto`: the smallest whose measured recall is at least minRecall. */
export type DtypeChoice = VectorDtype | 'auto';

/** What a later step needs of a build: its inputs, mapped as the builder mapped them, and its hold-out. */
export interface RecordedBuild {
  /** The preset the build expanded, or null. */
  readonly preset: string | null;
  /** The catalogue file as given to the builder (relative ones are relative to the repository root). */
  readonly catalog: string;
  /** The event log as given to the builder, or null for a text-only build. */
  readonly events: string | null;
  readonly fields: CatalogFields;
  readonly template: TextTemplate;
  readonly textCase: TextCase;
  readonly eventColumns: EventColumns;
  readonly eventWeights: ReadonlyMap<string, number>;
  /** Each user's last n usable events were left out of training. */
  readonly holdoutLast: number;
  /** Epoch ms: events at or after it were left out of training (a temporal split); null: none. */
  readonly trainBefore: number | null;
}

/** A shop's own item vectors, imported instead of the built-in encoder's for the text half (--item-vectors). */
export interface ItemVectorsSource {
  readonly file: string;
  /** The ids file of an .npy array (one id per line, row order), else null. */
  readonly ids: string | null;
  /** The id and vector columns (Parquet, Arrow) or keys (JSON Lines). */
  readonly idField: string;
  readonly vectorField: string;
}

/** The resolved options as recorded in build-report.json: plain JSON values. */
export interface BuildOptionsRecord {
  readonly preset: string | null;
  readonly catalog: string;
  readonly events: string | null;
  readonly itemVectors: ItemVectorsSource | null;
  readonly out: string;
  readonly catalogId: string;
  readonly fields: CatalogFields;
  /** The text template's source. */
  readonly textTemplate: string;
  readonly textCase: TextCase;
  readonly eventColumns: EventColumns;
  /** Weight per event type. */
  readonly eventWeights: Readonly<Record<string, number>>;
  readonly sequence: SequenceGrouping | 'auto';
  readonly window: number | 'all' | 'auto';
  readonly holdoutLast: number;
  /** ISO 8601 (UTC), or null. */
  readonly trainBefore: string | null;
  readonly dim: number;
  readonly behaviourWeight: number | 'default';
  readonly dtype: DtypeChoice;
  readonly minRecall: number;
  readonly recallSample: number;
  readonly halfLifeDays: number;
  readonly maxInvalid: number;
  readonly strict: boolean;
  readonly workers: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly cache: boolean;
}

/** Where the record sits in build-report.json. */
export const BUILD_OPTIONS_FIELD = 'options';

const OPTIONAL_FIELDS = ['category', 'brand', 'description', 'price', 'image', 'group'] as const;
const OPTIONAL_COLUMNS = ['user', 'session', 'type', 'time', 'order'] as const;

/**
 * Reads the recorded options a later step needs, checking each field.
 * @param value the `options` object of build-report.json (undefined when the report has none).
 * @param file the report, for messages.
 * @returns the build's inputs, mapping and hold-out.
 * @throws RecError CONFIG_INVALID naming the report and the first bad field, or asking for a
 *   rebuild when the report predates recorded options.
 */
export function parseBuildOptions(value: unknown, file: string): RecordedBuild {
  if (value === undefined) {
    throw new RecError(
      'CONFIG_INVALID',
      'the build report records no build options (it was written by an older builder): rebuild the model with npm run build:models',
      { file, field: BUILD_OPTIONS_FIELD },
    );
  }
  const reader: Reader = { code: 'CONFIG_INVALID', file };
  const at = (name: string): string => `${BUILD_OPTIONS_FIELD}.${name}`;
  const record = readRecord(reader, value, BUILD_OPTIONS_FIELD);
  const nullable = <T>(name: string, read: (raw: unknown) => T): T | null => (record[name] === null ? null : read(record[name]));

  const fields = readRecord(reader, record['fields'], at('fields'));
  const titles = readArray(reader, fields['title'], at('fields.title')).map((title, i) =>
    readString(reader, title, at(`fields.title[${i}]`), { nonEmpty: true }),
  );
  if (titles.length === 0) throw new RecError('CONFIG_INVALID', 'expected at least one title field, found an empty list', { file, field: at('fields.title') });
  const optionalField = (role: string): string | null =>
    fields[role] === null ? null : readString(reader, fields[role], at(`fields.${role}`), { nonEmpty: true });

  const columns = readRecord(reader, record['eventColumns'], at('eventColumns'));
  const column = (key: string): Column => {
    const spec = readRecord(reader, columns[key], at(`eventColumns.${key}`));
    return {
      name: readString(reader, spec['name'], at(`eventColumns.${key}.name`), { nonEmpty: true }),
      required: readBoolean(reader, spec['required'], at(`eventColumns.${key}.required`)),
    };
  };
  const optionalColumn = (key: string): ColumnSpec => (columns[key] === null ? null : column(key));

  const weights = readRecord(reader, record['eventWeights'], at('eventWeights'));
  const templateSource = readString(reader, record['textTemplate'], at('textTemplate'));
  return {
    preset: nullable('preset', (raw) => readString(reader, raw, at('preset'), { nonEmpty: true })),
    catalog: readString(reader, record['catalog'], at('catalog'), { nonEmpty: true }),
    events: nullable('events', (raw) => readString(reader, raw, at('events'), { nonEmpty: true })),
    fields: {
      id: readString(reader, fields['id'], at('fields.id'), { nonEmpty: true }),
      title: titles,
      ...(Object.fromEntries(OPTIONAL_FIELDS.map((role) => [role, optionalField(role)])) as Pick<CatalogFields, (typeof OPTIONAL_FIELDS)[number]>),
    },
    template: readTemplate(templateSource, file, at('textTemplate')),
    textCase: readOneOf(reader, record['textCase'], at('textCase'), TEXT_CASES),
    eventColumns: {
      item: column('item'),
      ...(Object.fromEntries(OPTIONAL_COLUMNS.map((key) => [key, optionalColumn(key)])) as Pick<EventColumns, (typeof OPTIONAL_COLUMNS)[number]>),
    },
    eventWeights: new Map(Object.entries(weights).map(([type, weight]) => [type, readNumber(reader, weight, at(`eventWeights.${type}`))])),
    holdoutLast: readNumber(reader, record['holdoutLast'], at('holdoutLast'), { integer: true, min: 0 }),
    trainBefore: nullable('trainBefore', (raw) => readInstant(reader, raw, at('trainBefore'))),
  };
}

/** The template as the builder parsed it; a bad one names the report's field. */
function readTemplate(source: string, file: string, field: string): TextTemplate {
  try {
    return parseTextTemplate(source);
  } catch (error) {
    throw new RecError('CONFIG_INVALID', `expected a text template, found "${source}" (${(error as Error).message})`, { file, field }, { cause: error });
  }
}

/** An ISO 8601 UTC instant as the builder writes it (toISOString), to epoch ms. */
function readInstant(reader: Reader, raw: unknown, field: string): number {
  const text = readString(reader, raw, field);
  const ms = Date.parse(text);
  if (Number.isNaN(ms) || new Date(ms).toISOString() !== text) {
    throw new RecError('CONFIG_INVALID', `expected an ISO 8601 UTC date-time such as 2011-09-01T00:00:00.000Z, found "${text}"`, { file: reader.file, field });
  }
  return ms;
}
