/**
 * `npm run build:models`'s help text, with the presets (shorthand for the field mappings of known
 * data sets) and the defaults it states; parse-command-line.ts applies them.
 */
import { availableParallelism } from 'node:os';
import { VECTOR_DTYPES } from '../../core/vectors.ts';
import { DEFAULT_BATCH_SIZE } from '../lib/embed.ts';
import { DEFAULT_EVENT_WEIGHTS } from '../lib/ingest/events-input.ts';
import { TEXT_CASES } from '../lib/ingest/text-template.ts';
import { SEQUENCE_GROUPINGS } from '../lib/sequences.ts';
import { TEXT_DIM } from './build-model.ts';

/** The default text template: every role, empty ones drop out. */
export const DEFAULT_TEXT_TEMPLATE = '{title}. {category}. {brand}. {description}';

/**
 * Presets: shorthand for the options that map a known data set's files, inserted before the
 * user's own options (which therefore win).
 */
export const PRESETS: Readonly<Record<string, readonly string[]>> = {
  'online-retail': ['--event-weights', 'purchase=1,return=-1,adjustment=0', '--sequence', 'session'],
  'amazon-beauty': [
    // Item 10205 has no title and an empty title_hint: its brand names it, so every item is embedded.
    '--title-field',
    'title|title_hint|brand',
    '--category-field',
    'categories',
    '--brand-field',
    'brand',
    '--event-time',
    'none',
    '--event-order',
    'position',
    '--event-weights',
    'review=1',
    '--sequence',
    'user',
  ],
};

/** What --dtype accepts. */
export const DTYPE_CHOICES = ['auto', ...VECTOR_DTYPES] as const;

/** The help text. */
export const USAGE = `Usage:
  npm run build:models -- --catalog <items.jsonl|items.csv> [--events <events.csv>] --out models/<name> [options]
  npm run build:models -- --demo [--force]

Builds a model folder for the storefront (manifest.json, vectors, catalog.json, popularity.f32,
projection.f32) plus build-report.json and build-report.md, from a catalogue (JSON Lines or CSV
with a header row) and, optionally, an interaction log (CSV with a header row).

Inputs
  --catalog <file>          the catalogue (required)
  --events <file>           the interaction log; without it the model is text-only
  --item-vectors <file>     your own item embeddings (any model, up to 4096-d) for the text half instead of
                            the built-in encoder's: .npy (with --item-vector-ids), .parquet, .arrow/.feather,
                            or .jsonl ({"id": ..., "vector": [...]}); items without one fall back to their
                            text mapped into that space (README: "Bring your own embeddings")
  --item-vector-ids <file>  the ids of an .npy array's rows, one per line
  --item-vector-id-field <c>     id column or key (default id)
  --item-vector-field <c>   vector column or key (default vector)
  --out <dir>               the model folder to write (required)
  --catalog-id <id>         recorded in the manifest (default: the --out folder's name)
  --preset <name>           shorthand for a known data set's mapping (your options still win):
${Object.entries(PRESETS)
  .map(([name, args]) => `                              ${name}:\n${wrapArgs(args, '                                ')}`)
  .join('\n')}

Catalogue fields (JSON keys or CSV columns; "none" for a field the catalogue lacks)
  --id-field <f>            default id
  --title-field <f|g>       default title; "a|b" takes the first non-empty of a, b
  --category-field <f>      default category
  --brand-field <f>         default brand
  --description-field <f>   default description
  --price-field <f>         default price
  --image-field <f>         default image
  --group-field <f>         default group: items sharing a value are variants (colours, sizes) of one product
  --text-template <t>       what is embedded (default "${DEFAULT_TEXT_TEMPLATE}");
                            {title} etc. name the fields above, any other {name} a raw field;
                            empty fields drop out with their separator; lists are joined with ", "
  --text-case <c>           ${TEXT_CASES.join('|')} (default auto: lower-case texts written in capitals only)

Event columns (default names are used when the file has them; "none" ignores a column)
  --event-item <c>          default item_id (required)
  --event-user <c>          default user_id
  --event-session <c>       default session_id
  --event-type <c>          default event_type
  --event-time <c>          default timestamp (ISO 8601, zone-less = UTC, or epoch s/ms)
  --event-order <c>         default none: order within a user or session when times tie or are missing
  --event-weights <list>    type=weight,... (default ${[...DEFAULT_EVENT_WEIGHTS].map(([k, v]) => `${k}=${v}`).join(',')});
                            other types are skipped and counted; weight <= 0 counts for popularity only
  --sequence <g>            ${SEQUENCE_GROUPINGS.join('|')}: what co-occurs (default session when the log has sessions)
  --window <n|all>          behaviour context half-width (default all for sessions, 5 for users)
  --holdout-last <n>        leave each user's last n usable events out of training and popularity (default 0;
                            2 for the leave-one-out protocol: last = test, second-to-last = validation)
  --train-before <date>     leave events at or after this ISO 8601 date(-time, UTC) out of training and
                            popularity (a temporal split: evaluate on what came after)

Model
  --dim <n>                 item vector size, even, 2..${TEXT_DIM} and at most the item count (default 128).
                            With events: half text (PCA), half behaviour; without: PCA of the text
                            (${TEXT_DIM}: raw encoder vectors). Unless raw, a query projection ${TEXT_DIM} x dim is written
  --behaviour-weight <w>    share of behaviour vs text in the fused vectors, 0..1 (default 0.5)
  --dtype <t>               ${DTYPE_CHOICES.join('|')} (default auto: int8 if its recall holds, else float16, else float32)
  --min-recall <r>          recall@50 of quantised vs float32 scoring that must hold (default 0.99)
  --recall-sample <n>       user histories sampled for that check (default 2000)
  --half-life-days <d>      popularity decay (default 30)
  --seed <n>                seed of every random choice (default 1)

Bad input
  --max-invalid <x>         fail when more than this share of a file's records is skipped (default 1%)
  --strict                  fail at the first bad record, with its file:line

Run
  --workers <n>             encoder worker threads (default ${defaultWorkers()}: the cores here)
  --batch-size <n>          texts per cache write (default ${DEFAULT_BATCH_SIZE}; ${DEFAULT_BATCH_SIZE} x 2 per worker with several workers)
  --no-cache                do not read or write the embedding cache
  --cache-dir <dir>         the embedding cache folder (default .cache/embeddings)
  --shard <i>/<n>           embed only shard i of n of the texts into the cache, and write no model
                            (--out not needed); run every shard (processes, machines), put their
                            files in one cache folder, then run the build without --shard
  --quiet                   no progress lines
  --demo                    build models/demo (same as npm run models:demo); --force rebuilds it
  -h, --help                show this help

Exit codes: 0 built, 1 failed, 2 bad usage or bad input, 3 int8 recall below --min-recall.`;

/** Preset arguments as option-value pairs, one pair a line. */
function wrapArgs(args: readonly string[], indent: string): string {
  const lines: string[] = [];
  for (let i = 0; i < args.length; i += 2) lines.push(`${indent}${args[i] ?? ''} ${args[i + 1] ?? ''}`);
  return lines.join('\n');
}

/** Encoder worker threads by default: the cores here, at most two (one encoder per core is what helps). */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}
