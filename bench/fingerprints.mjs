// keyhound benchmark: what a fingerprint costs an attacker, and what it costs a scan.
//
// Fingerprints go into files teams commit (.keyhoundignore, baselines) and upload
// (SARIF, GitLab). Measured on one core, as an attacker with a dictionary would try
// guesses against a fingerprint:
//   - SHA-256 over the rule id and a guess (keyhound's fingerprint for every secret
//     before, still the one for generated tokens), in Node and, as the attacker's
//     better tool, OpenSSL's native code (`openssl speed -bytes 64 sha256`);
//   - scrypt as src/findings/fingerprints.ts computes it for a guessable secret.
// And what it costs keyhound: `keyhound scan` of 1,000 files with one guessable
// password each (and, for comparison, 1,000 generated tokens), in the text format
// (which shows no fingerprint, so computes none) and the json format (which shows
// them all), with this checkout's bin and, when KEYHOUND_BEFORE names another bin
// (the main branch's), with that one too. Median of 3 runs after a warm-up.
//
// Run alone with `node bench/fingerprints.mjs` (needs dist/; uses esbuild to load
// src/findings/fingerprints.ts and test/helpers/keys.ts as they are).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { KEYHOUND, ROOT, isMain, machineLoad, measure, printColumns, run, updateResults, works } from './lib.mjs';

const FINDINGS = 1000;
const DICTIONARY_WORDS = ['Spring', 'Summer', 'Autumn', 'Winter', 'Password', 'Welcome', 'Company', 'Admin', 'Letmein', 'Dragon'];

/** Loads a TypeScript module of the checkout, bundled into a temporary file. */
async function load(scratch, entry) {
  const outfile = join(scratch, `${entry.replace(/\W+/g, '-')}.mjs`);
  await build({ entryPoints: [join(ROOT, entry)], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'warning' });
  return import(pathToFileURL(outfile).href);
}

/** Guesses a second: how many `attempt(guess)` one core does in about `seconds`. */
function guessesPerSecond(attempt, seconds) {
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    attempt(`${DICTIONARY_WORDS[count % DICTIONARY_WORDS.length]}${count}!`);
    count += 1;
  }
  return count / ((performance.now() - started) / 1000);
}

/** OpenSSL's SHA-256 over 64-byte inputs (a rule id and a guess fit one block): hashes a second on one core. */
function opensslSha256PerSecond() {
  if (!works('openssl', ['version'])) return null;
  const result = run('openssl', ['speed', '-seconds', '3', '-bytes', '64', 'sha256']);
  const kilobytes = Number(/^sha256\s+([\d.]+)k/m.exec(result.stdout)?.[1]);
  return Number.isFinite(kilobytes) ? (kilobytes * 1000) / 64 : null;
}

function corpus(scratch, name, line) {
  const dir = join(scratch, name);
  mkdirSync(dir);
  for (let i = 0; i < FINDINGS; i += 1) writeFileSync(join(dir, `service${i}.env`), `${line(i)}\n`);
  return dir;
}

export async function main() {
  const load1 = machineLoad();
  const scratch = mkdtempSync(join(tmpdir(), 'keyhound-fingerprints-'));
  try {
    const { fastHash, slowFingerprint, DEFAULT_SALT, isGuessable } = await load(scratch, 'src/findings/fingerprints.ts');
    const { fakeKeys } = await load(scratch, 'test/helpers/keys.ts');

    const attacker = {
      sha256Node: guessesPerSecond((guess) => fastHash('dotenv-password', guess), 2),
      sha256OpenSsl: opensslSha256PerSecond(),
      scrypt: guessesPerSecond((guess) => slowFingerprint('dotenv-password', guess, DEFAULT_SALT), 5),
    };
    const best = Math.max(attacker.sha256Node, attacker.sha256OpenSsl ?? 0);
    console.log('\nguesses a second on one core, against one fingerprint:');
    printColumns(['hash', 'guesses/s', '3 million-word dictionary'], [
      ['SHA-256 (Node)', attacker.sha256Node.toFixed(0), `${(3e6 / attacker.sha256Node).toFixed(1)} s`],
      ...(attacker.sha256OpenSsl ? [['SHA-256 (OpenSSL, native)', attacker.sha256OpenSsl.toFixed(0), `${(3e6 / attacker.sha256OpenSsl).toFixed(2)} s`]] : []),
      ['scrypt (keyhound now)', attacker.scrypt.toFixed(1), `${(3e6 / attacker.scrypt / 3600).toFixed(1)} h`],
    ]);
    console.log(`scrypt makes each guess ${(best / attacker.scrypt).toFixed(0)}x dearer than the fastest SHA-256 above`);

    const passwords = corpus(scratch, 'passwords', (i) => `DB_PASSWORD="${DICTIONARY_WORDS[i % DICTIONARY_WORDS.length]}${1000 + i}!"`);
    const tokens = corpus(scratch, 'tokens', (i) => `GITHUB_TOKEN=${fakeKeys(i + 1).github}`);
    if (!isGuessable(`${DICTIONARY_WORDS[0]}1000!`) || isGuessable(fakeKeys(1).github.slice(4))) throw new Error('corpus secrets are not what they should be');

    const bins = [['now', KEYHOUND], ...(process.env.KEYHOUND_BEFORE ? [['before', process.env.KEYHOUND_BEFORE]] : [])];
    const rows = [];
    for (const [label, bin] of bins) {
      for (const [kind, dir] of [['1,000 guessable passwords', passwords], ['1,000 generated tokens', tokens]]) {
        for (const format of ['text', 'json']) {
          const tool = { name: `${label}: ${kind}, ${format}`, cmd: process.execPath, args: [bin, 'scan', '--format', format, '--output', join(scratch, 'report')], cwd: dir, okStatus: [1], env: {} };
          rows.push({ label, kind, format, ...measure(tool, scratch, 0) });
        }
      }
    }
    console.log(`\nkeyhound scan of ${FINDINGS} files, one finding each (median of 3):`);
    printColumns(['bin', 'findings', 'format', 'wall s', 'cpu s'], rows.map((row) => [row.label, row.kind, row.format, row.seconds.toFixed(2), row.cpuSeconds.toFixed(2)]));
    updateResults({
      fingerprints: {
        machine: load1,
        attackerGuessesPerSecond: attacker,
        scan: rows.map(({ label, kind, format, seconds, cpuSeconds }) => ({ bin: label, findings: kind, format, seconds, cpuSeconds })),
      },
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await main();
