#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// dist/ is the build (precompiled rules, worker threads). A git install without the
// devDependencies that build it (npm i -g git+…, the pre-commit framework) has none:
// there the committed, self-contained bundle runs.
const dist = new URL('../dist/cli.js', import.meta.url);
const entry = existsSync(dist) ? dist : new URL('../bundle/keyhound.mjs', import.meta.url);
let cli;
try {
  cli = await import(entry);
} catch (error) {
  // A broken build or checkout: say what to do, in one line.
  process.stderr.write(`keyhound: cannot load ${fileURLToPath(entry)} (${error?.code ?? error?.name}): run \`npm run build\` (or \`npm install\`) in the keyhound package\n`);
  if (process.env.KEYHOUND_DEBUG && process.env.KEYHOUND_DEBUG !== '0') process.stderr.write(`${error?.stack}\n`);
  process.exit(2);
}
await cli.runProcess(process.argv.slice(2));
