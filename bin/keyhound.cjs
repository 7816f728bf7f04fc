#!/usr/bin/env node
'use strict';
// CommonJS, not an ES module: node then starts without its ES module loader (about 6 ms
// that every pre-commit hook would pay).
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

/** One of dist/'s CommonJS entries, through V8's code cache (code-cache.cjs). */
function load(name) {
  const entry = join(root, 'dist', name);
  try {
    const loaded = require('./code-cache.cjs').loadWithCodeCache(entry);
    if (loaded.status !== 'used') process.once('exit', loaded.save);
    return loaded.exports;
  } catch (error) {
    return cannotLoad(entry, error);
  }
}

// dist/ is the build (precompiled rules, worker threads): `npm install` or `npm run
// compile` makes it in a checkout, and a published package ships it. Where there is none
// (`npm i -g git+…` builds nothing), the committed, self-contained bundle runs.
if (!existsSync(join(root, 'dist', 'cli.cjs'))) {
  const bundle = join(root, 'bundle', 'keyhound.mjs');
  import(pathToFileURL(bundle).href).then((cli) => cli.runProcess(argv), (error) => cannotLoad(bundle, error));
} else if (!(argv[0] === 'staged' && load('staged.cjs').runStagedProcess(argv))) {
  // The pre-commit hook starts from its own, smaller entry; all else (and what the hook's
  // short path leaves, --help or a typo) from the whole CLI.
  load('cli.cjs').runProcess(argv);
}
