// keyhound benchmark: false alarms on real code nobody planted secrets in.
//
// The corpus is the upstream source of Debian packages (bench/.corpus/debian: openssl,
// openssh, curl, git, Go, nginx, Django - about 380 MB unpacked), fetched once with
// `apt-get source --download-only` (a deb-src entry is added for Debian's own mirror
// when missing) and unpacked from the .orig tarballs. Any finding there is either a
// key the project publishes (test keys) or a false alarm to fix or explain.
//
// It scans the tree twice: as a user gets it (findings of generic rules and of low
// severity in test and sample code suppressed) and with `reportLowInTests: true`, and
// prints findings per 100 MB, by rule and by confidence, with a few file:line samples
// (never a secret). The npm corpus's findings are printed by run.mjs.
//
// Run alone with `node bench/noise.mjs` (needs dist/).

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS, KEYHOUND, isMain, mb, mustRun, printColumns, run, updateResults, waitForBuild, works } from './lib.mjs';

const DEBIAN = join(CORPUS, 'debian');
const TREE = join(DEBIAN, 'tree');
/** Source packages of Debian 12; the mirror is a dated snapshot, so the same bytes every time. */
const SOURCE_PACKAGES = ['openssl', 'openssh', 'curl', 'git', 'golang-1.19', 'nginx', 'python-django'];
const SOURCES_FILE = '/etc/apt/sources.list.d/keyhound-bench-src.sources';
const SAMPLES = 3;

function ensureDebSrc() {
  const listed = run('apt-get', ['source', '--print-uris', '--download-only', 'curl'], { stdio: 'pipe' });
  if (listed.status === 0) return;
  const binary = readFileSync('/etc/apt/sources.list.d/debian.sources', 'utf8');
  writeFileSync(SOURCES_FILE, binary.replace(/^Types: deb$/gm, 'Types: deb-src'));
  mustRun('apt-get', ['update', '-q'], { stdio: 'ignore' });
}

function ensureCorpus() {
  if (existsSync(TREE) && readdirSync(TREE).length > 0) return;
  if (!works('apt-get', ['--version'])) throw new Error('apt-get is needed to fetch the Debian sources');
  ensureDebSrc();
  mkdirSync(TREE, { recursive: true });
  for (const name of SOURCE_PACKAGES) {
    console.log(`fetching the source of ${name} (apt-get source)…`);
    // Debian packaging files of security updates can be missing from the snapshot; the
    // upstream .orig tarball, which is what gets scanned, is what matters.
    run('apt-get', ['source', '-q', '--download-only', name], { cwd: DEBIAN, stdio: 'ignore' });
  }
  const tarballs = readdirSync(DEBIAN).filter((file) => /\.orig\.tar\.(?:gz|xz|bz2)$/.test(file));
  if (tarballs.length === 0) throw new Error('no source tarball could be fetched');
  for (const tarball of tarballs) mustRun('tar', ['-xf', join(DEBIAN, tarball), '-C', TREE]);
}

function scan(scratch, reportLowInTests) {
  const config = join(scratch, 'keyhound.yaml');
  writeFileSync(config, `reportLowInTests: ${reportLowInTests}\n`);
  const output = join(scratch, 'report.json');
  const result = run(process.execPath, [KEYHOUND, 'scan', '.', '--format', 'json', '-o', output, '--quiet', '--config', config], { cwd: TREE });
  if (result.status !== 0 && result.status !== 1) throw new Error(`keyhound exited ${result.status}: ${result.stderr}`);
  return JSON.parse(readFileSync(output, 'utf8'));
}

function summarise(report) {
  const per100Mb = (count) => (count / mb(report.stats.bytes)) * 100;
  const byRule = new Map();
  for (const finding of report.findings) {
    const key = `${finding.ruleId} (${finding.confidence})`;
    const entry = byRule.get(key) ?? { key, count: 0, samples: [] };
    entry.count += 1;
    if (entry.samples.length < SAMPLES) entry.samples.push(`${finding.file}:${finding.line}`);
    byRule.set(key, entry);
  }
  return {
    findings: report.findings.length,
    perHundredMb: per100Mb(report.findings.length),
    bytes: report.stats.bytes,
    files: report.stats.files,
    rules: [...byRule.values()].sort((a, b) => b.count - a.count),
  };
}

export async function main() {
  waitForBuild();
  ensureCorpus();
  const scratch = mkdtempSync(join(tmpdir(), 'keyhound-noise-'));
  try {
    const asShipped = summarise(scan(scratch, false));
    const everything = summarise(scan(scratch, true));
    console.log(`\nDebian sources (${SOURCE_PACKAGES.join(', ')}): ${asShipped.files} files, ${mb(asShipped.bytes).toFixed(1)} MB of text`);
    printColumns(
      ['run', 'findings', 'per 100 MB'],
      [
        ['as shipped', String(asShipped.findings), asShipped.perHundredMb.toFixed(1)],
        ['reportLowInTests: true', String(everything.findings), everything.perHundredMb.toFixed(1)],
      ],
    );
    console.log('\nfindings as shipped, by rule (confidence):');
    for (const rule of asShipped.rules) console.log(`  ${String(rule.count).padStart(6)}  ${rule.key}  e.g. ${rule.samples.join(', ')}`);
    updateResults({ noise: { date: new Date().toISOString(), corpus: TREE, packages: SOURCE_PACKAGES, asShipped, everything } });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await main();
