/**
 * `npm run build:models -- --catalog <items.jsonl|.csv> [--events <events.csv>] --out models/<name>`:
 * the command a shop runs on its own files. It owns the run and its exit codes; the options are
 * parsed in parse-command-line.ts, the help text and presets are cli-usage.ts, the pipeline is
 * build-model.ts. `--demo` is an alias of `npm run models:demo`.
 *
 * Exit codes: 0 built; 1 the build failed (an encoder or file error); 2 bad usage or bad input
 * (more skipped lines than --max-invalid, --strict at the first bad line, a --dim that does not
 * fit); 3 int8 was asked for and its measured recall is below --min-recall.
 */
import { isRecError } from '../../core/errors.ts';
import type { SentenceEncoder } from '../../engine/text-encoder.ts';
import { runWhenScript, UsageError } from '../lib/cli-args.ts';
import { buildModel, type BuildDeps, type BuildOptions } from './build-model.ts';
import { buildShard } from './build-shard.ts';
import { USAGE } from './cli-usage.ts';
import { parseCommandLine } from './parse-command-line.ts';

/** What main() can be given instead of the real encoder and streams (tests). */
export type CliDeps = Partial<BuildDeps>;

/**
 * Who runs the builder: its name in messages, its help, and whether it builds the demo (the npm
 * package's `vitrine-build` does not: the demo needs this repository's development tools).
 */
export interface BuilderCommand {
  readonly name: string;
  readonly usage: string;
  readonly demo: boolean;
}

const REPOSITORY_COMMAND: BuilderCommand = { name: 'build:models', usage: USAGE, demo: true };

/**
 * Runs the command line.
 * @param argv the arguments after the script name.
 * @param deps replacements for the real encoder, cache and output (tests).
 * @param command who runs it (default `npm run build:models`).
 * @returns the process exit code.
 */
export async function main(argv: readonly string[], deps: CliDeps = {}, command: BuilderCommand = REPOSITORY_COMMAND): Promise<number> {
  const usageFailure = (message: string): number => {
    console.error(`${command.name}: ${message}\nRun with --help for usage.`);
    return 2;
  };
  let options: BuildOptions | 'help' | 'demo' | 'demo-force';
  try {
    options = parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError || (isRecError(error) && error.code === 'CONFIG_INVALID')) return usageFailure(error.message);
    throw error;
  }
  if (options === 'help') {
    console.log(command.usage);
    return 0;
  }
  if ((options === 'demo' || options === 'demo-force') && !command.demo) {
    return usageFailure('--demo builds the demo catalogue of the Vitrine repository (npm run models:demo there); this command builds your own catalogue');
  }
  if (options === 'demo' || options === 'demo-force') {
    // Imported only now: the demo's generator needs development dependencies a package install lacks.
    const { buildDemo } = await import('./build-demo.ts');
    await buildDemo({ force: options === 'demo-force' });
    return 0;
  }
  try {
    const realDeps = await withRealEncoder(deps, command.name);
    if (options.shard !== null) return await buildShard(options, options.shard, realDeps);
    const result = await buildModel(options, realDeps);
    return result.exitCode;
  } catch (error) {
    // Bad input found in --strict mode or a header that does not fit the mapping: exit 2 with file:line.
    if (isRecError(error) && error.kind === 'input') {
      console.error(`${command.name}: ${error.message}`);
      return 2;
    }
    if (isRecError(error) && error.code === 'CONFIG_INVALID') return usageFailure(error.message);
    throw error;
  }
}

/** Fills in the real encoders (imported only now: TF.js loads only when a build runs). */
async function withRealEncoder(deps: CliDeps, name: string): Promise<BuildDeps> {
  if (deps.encoder !== undefined && deps.loadEncoder !== undefined && deps.loadQueryEncoder !== undefined) {
    return { ...deps, encoder: deps.encoder, loadEncoder: deps.loadEncoder, loadQueryEncoder: deps.loadQueryEncoder };
  }
  const real = await import('../lib/node-encoder.ts');
  const log = (line: string): void => console.error(`${name}: ${line}`);
  const loadEncoder = (workers: number): Promise<SentenceEncoder> => real.loadNodeEncoder(workers, log);
  const { loadQuantisedNodeEncoder } = await import('../lib/quantise-encoder-check.ts');
  return {
    ...deps,
    encoder: deps.encoder ?? real.ENCODER,
    loadEncoder: deps.loadEncoder ?? loadEncoder,
    loadQueryEncoder: deps.loadQueryEncoder ?? (() => loadQuantisedNodeEncoder(log)),
  };
}

runWhenScript(import.meta.url, 'build:models', main);
