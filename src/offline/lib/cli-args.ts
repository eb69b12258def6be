/**
 * Option values of the Node command lines (npm run build:models, eval, train:sequence): one usage
 * error type, which each CLI turns into exit code 2 with its usage hint, and the readers that name
 * the option, what it must be and what was found.
 */

import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { toRecError } from '../../core/errors.ts';

/** A bad command line: the message names the option and the value. */
export class UsageError extends Error {}

/** What a command line asks for: the parsed request, or the exit code main returns at once. */
export type CommandLine<T> = { readonly request: T } | { readonly exitCode: number };

/**
 * Reads a CLI's arguments the way every CLI here does: --help prints the usage (exit 0), and a bad
 * command line prints the CLI's name, what is wrong and a hint (exit 2).
 * @param name the CLI, e.g. "eval:search", for messages.
 * @param usage its --help text.
 * @param parse parses the arguments, returning 'help' for --help.
 * @throws whatever parse throws that is not a UsageError.
 */
export function readCommandLine<T>(name: string, usage: string, parse: () => T | 'help'): CommandLine<T> {
  let parsed: T | 'help';
  try {
    parsed = parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${name}: ${error.message}\nRun with --help for usage.`);
    return { exitCode: 2 };
  }
  if (parsed === 'help') {
    console.log(usage);
    return { exitCode: 0 };
  }
  return { request: parsed };
}

/**
 * Node's strict parser (no positionals), its errors turned into UsageError.
 * @param args the arguments after the script name.
 * @param options the CLI's option table (declared `as const`, so the values are typed).
 */
export function parseOptions<T extends ParseArgsOptionsConfig>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const range = (kind: string, min: number, max: number): string => (max === Number.POSITIVE_INFINITY ? `${kind} ≥ ${min}` : `${kind} in [${min}, ${max}]`);

/**
 * @param name the option, e.g. "--dim".
 * @param text its value, or undefined when not given.
 * @param fallback returned when not given.
 * @param min smallest allowed.
 * @param max largest allowed (Infinity: no bound).
 * @throws UsageError when it is not a whole number in range.
 */
export function integerOption<F>(name: string, text: string | undefined, fallback: F, min: number, max: number): number | F {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max)
    throw new UsageError(`${name} must be ${range('an integer', min, max)}, found "${text}"`);
  return value;
}

/**
 * @param name the option.
 * @param text its value, or undefined when not given.
 * @param fallback returned when not given.
 * @param min smallest allowed.
 * @param max largest allowed (Infinity: no bound).
 * @throws UsageError when it is not a finite number in range.
 */
export function numberOption<F>(name: string, text: string | undefined, fallback: F, min: number, max: number): number | F {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max)
    throw new UsageError(`${name} must be ${range('a number', min, max)}, found "${text}"`);
  return value;
}

/**
 * @param name the option.
 * @param text its value.
 * @param choices the allowed values.
 * @throws UsageError naming the choices when it is none of them.
 */
export function oneOfOption<T extends string>(name: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`${name} must be one of ${choices.join(', ')}, found "${text}"`);
  return text as T;
}

/**
 * Runs a command's `main` when its module is the script Node was started with (not when a test
 * imports it): the exit code is main's, or 1 after printing "<name>: <message>" for an error.
 * @param moduleUrl the command module's import.meta.url.
 * @param name the command as the shopper's developer types it, e.g. "build:models".
 * @param main the command, given the arguments after the script.
 */
export function runWhenScript(moduleUrl: string, name: string, main: (argv: readonly string[]) => Promise<number>): void {
  if (process.argv[1] === undefined || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`${name}: ${toRecError(error).message}`);
      process.exitCode = 1;
    },
  );
}
