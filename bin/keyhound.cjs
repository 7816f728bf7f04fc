#!/usr/bin/env node
'use strict';
// CommonJS, not an ES module: node then starts without its ES module loader (about 6 ms
// that every pre-commit hook would pay); the full CLI loads it when it needs it.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const argv = process.argv.slice(2);
const root = join(__dirname, '..');
const debug = Boolean(process.env.KEYHOUND_DEBUG) && process.env.KEYHOUND_DEBUG !== '0';

/** A broken build or install: say what to do, in one line. */
function cannotLoad(entry, error) {
  process.stderr.write(`keyhound: cannot load ${entry} (${error?.code ?? error?.name}): reinstall keyhound (in a checkout of keyhound: npm run compile)\n`);
  if (debug) process.stderr.write(`${error?.stack}\n`);
  process.exit(2);
}

/** The pre-commit hook's short path (dist/staged.cjs, through V8's code cache): false when it is not for these arguments. */
function runStaged(entry) {
  let staged;
  try {
    staged = require('./code-cache.cjs').loadWithCodeCache(entry);
  } catch (error) {
    cannotLoad(entry, error);
  }
  if (staged.status !== 'used') process.once('exit', staged.save);
  return staged.exports.runStagedProcess(argv);
}

// dist/ is the build (precompiled rules, worker threads): `npm install` or `npm run
// compile` makes it in a checkout, and a published package ships it. Where there is none
// (`npm i -g git+…` builds nothing), the committed, self-contained bundle runs.
const built = existsSync(join(root, 'dist', 'cli.js'));
if (!(built && argv[0] === 'staged' && runStaged(join(root, 'dist', 'staged.cjs')))) {
  const entry = join(root, built ? 'dist/cli.js' : 'bundle/keyhound.mjs');
  import(pathToFileURL(entry).href).then((cli) => cli.runProcess(argv), (error) => cannotLoad(entry, error));
}
