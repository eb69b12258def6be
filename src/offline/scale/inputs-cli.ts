/**
 * `npm run scale:inputs -- <build:models options>`: the build's first steps on their own (read the
 * catalogue, read the event log into the event store, the SQL stages), timed, for the scale test
 * (README, "Scale"): at a million items the later steps do not run on one machine yet, and this
 * measures the part that does. It writes nothing; the options are build:models's, --out included
 * (required there, unused here).
 */
import { readBuildInputs } from '../builder/build-inputs.ts';
import { createBuildRun } from '../builder/build-run.ts';
import { parseCommandLine } from '../builder/parse-command-line.ts';
import { readCommandLine, runWhenScript, UsageError } from '../lib/cli-args.ts';
import type { BuildOptions } from '../builder/build-model.ts';

const USAGE = `Usage: npm run scale:inputs -- --catalog <file> --events <file> --out <dir> [other build:models options]

Reads the catalogue and the event log and runs the SQL stages (split, sequences, histories,
popularity) as build:models does, then prints the seconds of each step and the plan's counts as
JSON. Writes no model. Run it under /usr/bin/time -v for the peak memory.`;

/** @throws UsageError when the options are not a build's, or have no --events. */
function parseRequest(argv: readonly string[]): BuildOptions | 'help' {
  const options = parseCommandLine(argv);
  if (options === 'help') return 'help';
  if (options === 'demo' || options === 'demo-force') throw new UsageError('--demo builds a model; give a --catalog and --events to measure');
  if (options.events === null) throw new UsageError("--events <file> is required: the steps measured here are the event log's");
  return options;
}

/** @returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const commandLine = readCommandLine('scale:inputs', USAGE, () => parseRequest(argv));
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const run = createBuildRun(true, {});
  const { plan } = await readBuildInputs(commandLine.request, run);
  console.log(
    JSON.stringify({
      seconds: run.timings,
      plan:
        plan === null
          ? null
          : {
              sequences: plan.sequences.length,
              trainingEvents: plan.trainingEvents,
              heldOut: plan.heldOut,
              users: plan.users,
              histories: plan.historyCount,
            },
    }),
  );
  return 0;
}

runWhenScript(import.meta.url, 'scale:inputs', main);
