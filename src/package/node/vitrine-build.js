#!/usr/bin/env node
// The `vitrine-build` command of the npm package (package.json "bin"): runs the model builder,
// which ships as TypeScript source (build-cli.ts), under tsx, a dependency of the package. Plain
// JavaScript, so that it runs with plain node after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./build-cli.ts');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`vitrine-build: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
