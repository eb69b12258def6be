// Builds and servers a spec starts for itself, beside the suite's own (playwright.config.ts builds
// with the test hooks and previews on VITRINE_E2E_PORT): the plain production build, and Vite's dev
// server for a page that mounts the React component from source. Their ports sit a fixed step above
// the suite's, so two checkouts that give the suite different ports do not collide here either.
import { spawn, type ChildProcess } from 'node:child_process';

/** The suite's own port (playwright.config.ts). */
const SUITE_PORT = Number(process.env['VITRINE_E2E_PORT'] ?? 4173);

/** @param step how far above the suite's port; each spec that starts a server takes its own. @returns the port. */
export function portBesideSuite(step: number): number {
  return SUITE_PORT + step;
}

/** The environment for a child: this process's, without the switches that change what Vite builds. */
function plainEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  // A build with either switch has the test hooks or the bench page in it: not what a shop deploys.
  delete env['VITRINE_TEST_HOOKS'];
  delete env['VITRINE_BENCH'];
  return env;
}

/**
 * Starts `npx <args>` in its own process group, so it and the node it starts can be stopped together.
 * @param cwd where (default: here, the repository; another folder runs that folder's own packages).
 */
function startNpx(args: readonly string[], cwd?: string): { child: ChildProcess; output: () => string } {
  const child = spawn('npx', args, { env: plainEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd === undefined ? {} : { cwd }) });
  let output = '';
  const keep = (chunk: Buffer): void => {
    // The tail is what explains a failure; a build's size report alone is pages long.
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => output };
}

/**
 * Runs `npx <args>` (in `cwd`, default here) to the end.
 * @throws Error with the command's last output when it exits non-zero.
 */
export async function runNpx(args: readonly string[], cwd?: string): Promise<void> {
  const { child, output } = startNpx(args, cwd);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`npx ${args.join(' ')} exited with ${code}:\n${output()}`);
}

/** A server a spec started: where it answers, and how to stop it. */
export interface SpawnedServer {
  readonly origin: string;
  stop(): Promise<void>;
}

/**
 * Starts `npx <args>` (in `cwd`, default here) and waits until `origin` answers (up to `timeoutMs`).
 * @throws Error with the command's last output when it exits first or does not answer in time.
 */
export async function startServer(args: readonly string[], origin: string, timeoutMs = 120_000, cwd?: string): Promise<SpawnedServer> {
  const { child, output } = startNpx(args, cwd);
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });
  const stop = async (): Promise<void> => {
    if (exited !== undefined || child.pid === undefined) return;
    const gone = new Promise((resolve) => child.on('exit', resolve));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // The group ended on its own between the check above and now.
      return;
    }
    await gone;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== undefined) throw new Error(`npx ${args.join(' ')} exited with ${exited} before serving ${origin}:\n${output()}`);
    const answered = await fetch(`${origin}/`).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return { origin, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`npx ${args.join(' ')} did not serve ${origin} within ${timeoutMs} ms:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
