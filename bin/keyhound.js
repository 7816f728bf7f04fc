#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// dist/ is the build (precompiled rules, worker threads): `npm install` or `npm run
// compile` makes it in a checkout, and a published package ships it. Where there is none
// (`npm i -g git+…` builds nothing), the committed, self-contained bundle runs.
const dist = new URL('../dist/cli.js', import.meta.url);
const entry = existsSync(dist) ? dist : new URL('../bundle/keyhound.mjs', import.meta.url);
let cli;
try {
  cli = await import(entry);
} catch (error) {
  // A broken build or install: say what to do, in one line.
  process.stderr.write(`keyhound: cannot load ${fileURLToPath(entry)} (${error?.code ?? error?.name}): reinstall keyhound (in a checkout of keyhound: npm run compile)\n`);
  if (process.env.KEYHOUND_DEBUG && process.env.KEYHOUND_DEBUG !== '0') process.stderr.write(`${error?.stack}\n`);
  process.exit(2);
}
await cli.runProcess(process.argv.slice(2));
