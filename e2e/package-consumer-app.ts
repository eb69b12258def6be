// A shop's own Vite + React app that installs Vitrine from the packed tarball, for
// e2e/package-consumer.spec.ts: the repository packed as `npm pack` does it, the app's files written
// into a temporary folder, the tarball installed as a shop installs it (npm's defaults, none of this
// repository's settings), the package's assets copied by the README's own command, then the app
// type-checked and built by its own TypeScript and Vite.
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { readmeExample } from './readme-example.ts';

const REPO = resolve(import.meta.dirname, '..');

/** The model the app shows: the demo catalogue, served where the README's example builds the shop's. */
export const APP_MODEL = '/models/shop';

/** The policy the README asks a page to allow for the package (and the widget), no more. */
export const APP_POLICY = "script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self'";

/**
 * This process's environment without npm's settings (`npm test` passes the repository's .npmrc down
 * as npm_config_*, e.g. legacy-peer-deps) and without the switches of the e2e build: a shop's shell.
 */
export function shopEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|VITRINE_)/i.test(name)));
}

/**
 * Runs a command to the end.
 * @returns its standard output.
 * @throws Error with the end of its output when it exits non-zero.
 */
export async function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(command, [...args], { cwd: options.cwd, env: options.env ?? shopEnv(), maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${options.cwd}:\n${`${stdout}\n${stderr}`.slice(-6000)}`, { cause: error });
  }
}

/** `npm pack` of the repository (its `prepack` builds dist/package/ first) into `dest`. @returns the tarball's path. */
export async function packRepository(dest: string): Promise<string> {
  await mkdir(dest, { recursive: true });
  await run('npm', ['pack', '--pack-destination', dest], { cwd: REPO });
  const tarballs = (await readdir(dest)).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new Error(`npm pack left ${tarballs.length} tarballs in ${dest}`);
  return join(dest, tarballs[0] ?? '');
}

/** `name@version` as installed here: the app asks for the same versions, which npm's cache holds. */
async function installed(name: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return `${name}@${pkg.version}`;
}

/** The app's entry: the README's component, after starting the page's recommender on wasm through `vitrine`. */
const MAIN_TSX = `import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { openRecommender } from 'vitrine';
import { VitrineGrid, type VitrineProductDetail } from 'vitrine/react';
import { Recommendations } from './Recommendations';

// Started before the grids render, so they join it (the first to start a model's recommender picks
// the backend): wasm, whose binaries the page fetches from /vitrine/.
const opened = openRecommender({ models: '${APP_MODEL}', backend: 'wasm' });

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <h1>A shop</h1>
    <Recommendations />
  </StrictMode>,
);

const { recommender } = await opened;
Object.assign(window, {
  shop: {
    trending: async (limit: number) => (await recommender.placement({ kind: 'trending', category: null }, limit)).items.map((entry) => entry.item.id),
    search: async (query: string) => {
      const ranking = await recommender.search(query);
      return { semantic: ranking.search?.semantic ?? null, resultCount: ranking.search?.resultCount ?? null };
    },
  },
});

/** Never called: with the package's declarations these must not type-check (were they \`any\`, tsc would flag the directives). */
export function misuses(onClick: (detail: VitrineProductDetail) => void): void {
  // @ts-expect-error -- limit is a number or a string
  void (<VitrineGrid limit={{ cards: 4 }} onProductClick={onClick} />);
  // @ts-expect-error -- there is no "gpu" backend
  void openRecommender({ backend: 'gpu' });
}
`;

/** The app's files; src/Recommendations.tsx is the README's example as written. */
function appFiles(): Record<string, string> {
  return {
    'package.json': `${JSON.stringify({ name: 'a-shop', private: true, type: 'module' }, null, 2)}\n`,
    'index.html': `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="Content-Security-Policy" content="${APP_POLICY}" />
    <title>A shop</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.tsx"></script>
  </body>
</html>
`,
    'vite.config.ts': `import { defineConfig } from 'vite';\nimport react from '@vitejs/plugin-react';\n\nexport default defineConfig({ plugins: [react()] });\n`,
    // The declarations are checked too (skipLibCheck off): the package's, React's and Vite's client types.
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023', 'DOM', 'DOM.Iterable'],
          module: 'ESNext',
          moduleResolution: 'bundler',
          jsx: 'react-jsx',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['vite/client'],
        },
        include: ['src'],
      },
      null,
      2,
    )}\n`,
    'src/main.tsx': MAIN_TSX,
    'src/Recommendations.tsx': readmeExample('package:example', 'tsx'),
  };
}

/**
 * Writes the app into `dir`, installs the tarball (and React, Vite, TypeScript) there, copies the
 * package's assets with the README's `cp` line and the demo model to APP_MODEL under public/.
 */
export async function createApp(dir: string, tarball: string): Promise<void> {
  for (const [path, text] of Object.entries(appFiles())) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const devPackages = ['vite', '@vitejs/plugin-react', 'typescript', '@types/react', '@types/react-dom'];
  const packages = await Promise.all(['react', 'react-dom', ...devPackages].map(installed));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...packages], { cwd: dir });
  const copy = /^cp -r (\S+) (\S+)$/m.exec(readmeExample('package:example', 'sh'));
  if (copy?.[1] === undefined || copy[2] === undefined) throw new Error("the README's package example has no `cp -r <from> <to>` line");
  await cp(join(dir, copy[1]), join(dir, copy[2]), { recursive: true });
  await cp(join(REPO, 'models/demo'), join(dir, 'public', APP_MODEL), { recursive: true });
}
