/**
 * No pattern may backtrack catastrophically (DESIGN.md, "Bad input"): JavaScript
 * regexes backtrack, and a rule runs on whatever text a repository holds.
 *
 * 1. recheck (a ReDoS analyser: automata theory, else fuzzing) checks every built-in
 *    rule pattern and every decoder pattern; `vulnerable` fails the test, `unknown`
 *    (not decided within the per-pattern budget) is listed, not failed.
 *    recheck takes 0.1–4 s a pattern (fuzzing), so patterns already found safe by this
 *    recheck version are recorded, by hash, in test/redos-safe.json and not checked
 *    again; a new or changed pattern is. KEYHOUND_REDOS_FULL=1 checks every pattern;
 *    KEYHOUND_REDOS_RECORD=1 rewrites the record with the patterns found safe.
 * 2. Crafted near-miss input for every rule (test/helpers/near-miss.ts) goes through
 *    the real detector: the whole run stays within a bound, and doubling the input
 *    of the slowest rules roughly doubles their time (linear, not quadratic).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { check, type Diagnostics } from 'recheck';
import { describe, expect, it } from 'vitest';
import { builtinRuleFilePaths } from '../src/rules/builtin-rules.js';
import { compileRuleFile, parseRuleFile, type LoadedRuleFile } from '../src/rules/rule-files.js';
import { DECODERS } from '../src/engine/decode.js';
import { createDetector } from '../src/engine/detect.js';
import { tempDir, writeTree } from './helpers/cli.js';
import { nearMissShapes } from './helpers/near-miss.js';
import { run } from './helpers/run.js';

const RECORD_FILE = join(import.meta.dirname, 'redos-safe.json');
/** recheck's own limit for one pattern; past it the verdict is `unknown`. */
const PER_PATTERN_TIMEOUT_MS = 10_000;

const require = createRequire(import.meta.url);
const RECHECK_VERSION = (require('recheck/package.json') as { version: string }).version;

/** Which analyser recheck runs here: its native binary (a package per platform), else Java, else pure JS. */
function recheckBackend(): string {
  if (process.env.RECHECK_BACKEND && process.env.RECHECK_BACKEND !== 'auto') return process.env.RECHECK_BACKEND;
  try {
    require.resolve(`recheck-${process.platform === 'darwin' ? 'macos' : process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}/package.json`);
    return 'native';
  } catch {
    return 'java if installed, else pure JS (worker thread)';
  }
}

interface Subject {
  name: string;
  source: string;
  /** Without `g` and `d`: recheck knows no `d`, and neither changes how a match backtracks. */
  flags: string;
}

const files: LoadedRuleFile[] = [];
for (const path of builtinRuleFilePaths()) files.push(compileRuleFile(await parseRuleFile(readFileSync(path, 'utf8'), path), path));

const subjects: Subject[] = [
  ...files.flatMap((file) => file.spec.rules.map((rule) => ({ name: `rules/${file.spec.provider}.yaml: ${rule.id}`, source: rule.pattern, flags: rule.caseInsensitive ? 'i' : '' }))),
  ...DECODERS.map((decoder) => ({ name: `decoder ${decoder.name}`, source: decoder.pattern.source, flags: decoder.pattern.flags.replace(/[gd]/g, '') })),
];

/**
 * Patterns recheck flags that are bounded and linear in V8, each with the reason. They
 * are still analysed and their attack replayed in V8 (see replayInV8): only a linear
 * replay keeps them out of the failures. Anything else recheck flags fails the test.
 */
const ACCEPTED: Record<string, string> = {
  'rules/generic.yaml: generic-secret-assignment':
    'every quantifier is bounded (200 characters at most); recheck\'s attack ("PWD=" repeated, then "TQ" repeated) costs a few hundred ' +
    'steps per keyword in recheck\'s interpreter and exceeds its 1 s attack budget there, while V8 runs it in linear time (~15 ms per 100 KB)',
  'rules/generic.yaml: generic-weak-password':
    'the generic rule\'s assignment and value (shared pieces), so the same bounded look-ahead and the same verdict: recheck\'s attack ' +
    '("PWD=" repeated) exceeds its budget in its interpreter, while V8 runs it in linear time',
  'rules/git-credentials.yaml: git-credentials-store-entry':
    'the checks on the lines before and after an entry are bounded (a few hundred characters each) and run only at a line that ' +
    'starts with http(s)://; recheck\'s attack (many "h:@" then many "http://p@" lines) replays in V8 in linear time (~11 ms per MB)',
};

/**
 * Replays recheck's attack in V8 (the engine keyhound runs on): the pumps grow until a
 * run takes 10 ms (or the string 200 KB), then the time for twice and four times the
 * input. Linear is about ×4 for four times the input, quadratic ×16; a replay that
 * already grows more than ×3 on the first doubling stops there. Exponential attacks
 * are not replayed.
 */
function replayInV8(subject: Subject, result: Diagnostics & { status: 'vulnerable' }): { chars: number; ms: number; growth: string; linear: boolean } | undefined {
  if (result.complexity.type === 'exponential') return undefined;
  const regex = new RegExp(subject.source, `${subject.flags}g`);
  const build = (n: number): string => result.attack.pumps.map((pump) => pump.prefix + pump.pump.repeat(n)).join('') + result.attack.suffix;
  const time = (n: number): number => {
    const text = build(n);
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      regex.lastIndex = 0;
      let match: RegExpExecArray | null;
      while ((match = regex.exec(text)) !== null) if (match[0] === '') regex.lastIndex += 1;
      best = Math.min(best, performance.now() - start);
    }
    return best;
  };
  let n = 8;
  let once = time(n);
  while (once < 10 && build(n).length < 200_000) once = time((n *= 2));
  const twice = time(2 * n);
  if (twice / Math.max(once, 0.05) > 3) return { chars: build(2 * n).length, ms: twice, growth: `×${(twice / once).toFixed(1)} for twice the input`, linear: false };
  const fourTimes = time(4 * n);
  const ratio = fourTimes / Math.max(once, 0.05);
  return { chars: build(4 * n).length, ms: fourTimes, growth: `×${ratio.toFixed(1)} for four times the input`, linear: ratio < 8 };
}

const subjectHash = (subject: Subject): string =>
  createHash('sha256').update(`recheck ${RECHECK_VERSION}\0${subject.flags}\0${subject.source}`).digest('hex').slice(0, 24);

/** What the record holds: hashes of patterns found safe, and of ACCEPTED ones whose replay was linear. */
interface Recorded {
  safe: string[];
  accepted: string[];
}

function readRecord(): Recorded {
  if (process.env.KEYHOUND_REDOS_FULL === '1') return { safe: [], accepted: [] };
  try {
    const record = JSON.parse(readFileSync(RECORD_FILE, 'utf8')) as Partial<Recorded>;
    return { safe: record.safe ?? [], accepted: record.accepted ?? [] };
  } catch {
    return { safe: [], accepted: [] };
  }
}

const record = readRecord();
const known = new Set(record.safe);
// An accepted pattern stays skipped only while it is still in ACCEPTED.
const knownAccepted = new Set(record.accepted);
const isRecorded = (subject: Subject): boolean =>
  known.has(subjectHash(subject)) || (ACCEPTED[subject.name] !== undefined && knownAccepted.has(subjectHash(subject)));
const toCheck = subjects.filter((subject) => !isRecorded(subject));

describe('ReDoS: recheck on every built-in and decoder pattern', () => {
  it(
    `finds none vulnerable (${toCheck.length} of ${subjects.length} patterns to analyse, the rest recorded)`,
    async () => {
      const vulnerable: string[] = [];
      const accepted: string[] = [];
      const unknown: string[] = [];
      const safe: string[] = [];
      const acceptedHashes: string[] = [];
      const started = performance.now();
      let slowest = { name: '', ms: 0 };
      for (const subject of toCheck) {
        const before = performance.now();
        const result: Diagnostics = await check(subject.source, subject.flags, { timeout: PER_PATTERN_TIMEOUT_MS });
        const ms = performance.now() - before;
        if (ms > slowest.ms) slowest = { name: subject.name, ms };
        if (result.status === 'safe') safe.push(subjectHash(subject));
        else if (result.status === 'unknown') unknown.push(`${subject.name}: ${result.error.kind}${'message' in result.error ? ` (${result.error.message})` : ''}`);
        else {
          const hot = result.hotspot.filter((spot) => spot.temperature === 'heat').map((spot) => JSON.stringify(subject.source.slice(spot.start, spot.end)));
          const replay = replayInV8(subject, result);
          const inV8 = replay ? `; in V8 ${replay.chars} chars take ${replay.ms.toFixed(0)} ms, ${replay.growth}` : '';
          const line = `${subject.name}: ${result.complexity.summary}, hot spots ${[...new Set(hot)].join(' ') || '(none)'}, attack ${result.attack.pattern.slice(0, 160)}${inV8}`;
          if (ACCEPTED[subject.name] && replay?.linear) {
            accepted.push(`${line}\n    accepted: ${ACCEPTED[subject.name]}`);
            acceptedHashes.push(subjectHash(subject));
          }
          else vulnerable.push(line);
        }
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        `recheck ${RECHECK_VERSION} (${recheckBackend()}): ${toCheck.length} patterns analysed in ${seconds} s` +
          `${toCheck.length ? `, slowest ${slowest.name} ${(slowest.ms / 1000).toFixed(1)} s` : ''}; ${subjects.length - toCheck.length} recorded`,
      );
      if (accepted.length) console.log(`recheck flags these, accepted as bounded and linear in V8:\n  ${accepted.join('\n  ')}`);
      if (unknown.length) console.log(`recheck could not decide (not a failure):\n  ${unknown.join('\n  ')}`);
      if (safe.length && process.env.KEYHOUND_REDOS_RECORD !== '1') {
        console.log(`${safe.length} patterns found safe are not recorded yet: KEYHOUND_REDOS_RECORD=1 npx vitest run test/redos.test.ts`);
      }
      if (process.env.KEYHOUND_REDOS_RECORD === '1') {
        const current = new Set(subjects.map(subjectHash));
        const merge = (before: Set<string>, now: string[]) => [...new Set([...[...before].filter((hash) => current.has(hash)), ...now])].sort();
        const about = 'hashes of patterns recheck found safe, and of accepted ones (see test/redos.test.ts)';
        writeFileSync(RECORD_FILE, `${JSON.stringify({ recheck: RECHECK_VERSION, about, safe: merge(known, safe), accepted: merge(knownAccepted, acceptedHashes) }, null, 2)}\n`);
      }
      expect(vulnerable, `recheck found these patterns vulnerable to catastrophic backtracking:\n${vulnerable.join('\n')}`).toEqual([]);
    },
    60_000 + toCheck.length * (PER_PATTERN_TIMEOUT_MS + 2_000),
  );
});

describe('ReDoS: crafted near-miss input through the real detector', () => {
  /** Characters of near-miss input per rule (three shapes, a third each). */
  const PER_RULE = 192 * 1024;
  const detector = createDetector(files.flatMap((file) => file.rules));
  const specs = files.flatMap((file) => file.spec.rules);

  const timed = (text: string): number => {
    const start = performance.now();
    detector.detect(text);
    return performance.now() - start;
  };

  let slowest: Array<{ id: string; shape: 'classRuns' | 'exampleTail' | 'keywordFragments'; ms: number }> = [];

  it(`scans ${specs.length} rules × ${PER_RULE / 1024} KB of near misses within the bound`, () => {
    const times: typeof slowest = [];
    let total = 0;
    for (const spec of specs) {
      for (const [shape, text] of Object.entries(nearMissShapes(spec, PER_RULE)) as Array<[keyof ReturnType<typeof nearMissShapes>, string]>) {
        const ms = timed(text);
        total += ms;
        times.push({ id: spec.id, shape, ms });
      }
    }
    slowest = times.sort((a, b) => b.ms - a.ms).slice(0, 5);
    console.log(
      `near misses: ${((specs.length * PER_RULE) / 1024 / 1024).toFixed(1)} MB in ${(total / 1000).toFixed(1)} s; slowest ` +
        slowest.map((entry) => `${entry.id} (${entry.shape}) ${entry.ms.toFixed(0)} ms`).join(', '),
    );
    expect(total).toBeLessThan(15_000);
  });

  // Four times the input: linear time grows ×4, quadratic ×16, so a bound of ×10 leaves
  // room for timing noise on a busy machine both ways.
  it('takes about four times the time on four times the input for the slowest rules', () => {
    expect(slowest.length).toBeGreaterThan(0);
    const best = (text: string): number => Math.min(timed(text), timed(text), timed(text), timed(text), timed(text));
    const ratios: string[] = [];
    for (const { id, shape } of slowest) {
      const spec = specs.find((candidate) => candidate.id === id)!;
      // Big enough to time well (20 ms), so that noise does not pass for growth.
      let base = PER_RULE;
      let once = best(nearMissShapes(spec, base)[shape]);
      while (once < 20 && base < 32 * PER_RULE) once = best(nearMissShapes(spec, (base *= 2))[shape]);
      const fourTimes = best(nearMissShapes(spec, 4 * base)[shape]);
      const ratio = fourTimes / Math.max(once, 1);
      ratios.push(`${id} (${shape}): ${once.toFixed(0)} ms → ${fourTimes.toFixed(0)} ms, ×${ratio.toFixed(2)}`);
      expect(ratio, ratios.at(-1)).toBeLessThan(10);
    }
    console.log(`four times the near misses:\n  ${ratios.join('\n  ')}`);
  });
});

describe('ReDoS: a custom rule whose pattern backtracks catastrophically is rejected at load', () => {
  const ruleFile = (pattern: string): string =>
    `provider: acme\nremediation: rotate it in the console\nrules:\n  - id: acme-key\n    description: Acme key\n    severity: high\n` +
    `    keywords: [acme_]\n    pattern: '${pattern}'\n    examples: ['key = acme_qwzmxnvbty!']\n`;
  const NESTED = '(?<secret>acme_(?:[a-z]+)+!)';
  const SAFE = '(?<secret>acme_[a-z]{10})!';

  it('by rules check, naming the file and the rule (exit 2)', async () => {
    const dir = tempDir();
    writeTree(dir, { 'bad.yaml': ruleFile(NESTED), 'good.yaml': ruleFile(SAFE) });
    const bad = await run(['rules', 'check', 'bad.yaml'], { cwd: dir });
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/^keyhound: bad\.yaml: rule acme-key: pattern can backtrack catastrophically \(exponential.*\): bound the repetition/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const good = await run(['rules', 'check', 'good.yaml'], { cwd: dir });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^ok {2}good\.yaml/);
  });

  it('by a scan whose .keyhound.yaml loads it with ruleFiles, or holds it inline', async () => {
    const dir = tempDir();
    writeTree(dir, { '.keyhound.yaml': 'ruleFiles: [custom/bad.yaml]\n', 'custom/bad.yaml': ruleFile(NESTED), 'a.txt': 'hello\n' });
    const viaFile = await run(['scan', '.'], { cwd: dir });
    expect(viaFile.code, viaFile.stderr).toBe(2);
    expect(viaFile.stderr).toMatch(/custom\/bad\.yaml: rule acme-key: pattern can backtrack catastrophically/);

    const inline = tempDir();
    const rule = ruleFile(NESTED).split('rules:\n')[1]!;
    writeTree(inline, { '.keyhound.yaml': `rules:\n${rule}`, 'a.txt': 'hello\n' });
    const viaConfig = await run(['scan', '.'], { cwd: inline });
    expect(viaConfig.code, viaConfig.stderr).toBe(2);
    expect(viaConfig.stderr).toMatch(/\.keyhound\.yaml: rule acme-key: pattern can backtrack catastrophically/);

    // A safe custom rule loads and finds its key.
    writeTree(dir, { 'custom/bad.yaml': ruleFile(SAFE), 'a.txt': 'key = acme_qwzmxnvbty!\n' });
    const ok = await run(['scan', 'a.txt', '--format', 'json'], { cwd: dir });
    expect(ok.code, ok.stderr).toBe(1);
    expect(ok.stdout).toMatch(/"ruleId": "acme-key"/);
  });
});

describe('ReDoS: allowlist regexes and path globs are screened like rule patterns', () => {
  // Before, `(a+)+$` as a path regex took 95 s on a 32-character file name.
  const NESTED = '(a+)+$';
  const scanWith = async (config: string, extra: Record<string, string> = {}) => {
    const dir = tempDir();
    writeTree(dir, { '.keyhound.yaml': config, [`${'a'.repeat(32)}!`]: 'hello\n', ...extra });
    return run(['scan', '.'], { cwd: dir });
  };

  it('rejects a catastrophic path, secret or line regex of the config, global or per rule, naming the file and field (exit 2)', async () => {
    const cases: Array<[string, string]> = [
      [`allowlist:\n  pathRegexes: ['${NESTED}']\n`, 'allowlist.pathRegexes[0]'],
      [`allowlist:\n  regexes: ['^ok$', '${NESTED}']\n`, 'allowlist.regexes[1]'],
      [`allowlist:\n  lines: ['${NESTED}']\n`, 'allowlist.lines[0]'],
      [`ruleAllowlists:\n  github-pat-classic:\n    pathRegexes: ['${NESTED}']\n`, 'ruleAllowlists.github-pat-classic.pathRegexes[0]'],
    ];
    for (const [config, field] of cases) {
      const result = await scanWith(config);
      expect(result.code, `${field}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^keyhound: \\S+\\.keyhound\\.yaml: ${field.replace(/[.[\]]/g, '\\$&')} can backtrack catastrophically \\(exponential`));
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('rejects a catastrophic allowlist regex of a custom rule file', async () => {
    const rules =
      'provider: acme\nremediation: rotate it in the console\nrules:\n  - id: acme-key\n    description: Acme key\n    severity: high\n    keywords: [acme_]\n' +
      `    pattern: '(?<secret>acme_[a-z]{10})!'\n    allowlist:\n      regexes: ['${NESTED}']\n    examples: ['key = acme_qwzmxnvbty!']\n`;
    const result = await scanWith('ruleFiles: [acme.yaml]\n', { 'acme.yaml': rules });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^keyhound: \S+acme\.yaml: rule acme-key: allowlist\.regexes\[0\] can backtrack catastrophically/);
  });

  it('rejects a path glob with more than two * in one name, and takes one with two', async () => {
    const bad = await scanWith("allowlist:\n  paths: ['docs/**', '*a*a*a*b']\n");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^keyhound: \S+\.keyhound\.yaml: allowlist\.paths\[1\]: more than 2 \* in one name/);
    const ok = await scanWith("allowlist:\n  paths: ['**/*.min.*', 'x/**/*a*b']\n  pathRegexes: ['^vendor/[a-z]+/']\n");
    expect(ok.code, ok.stderr).toBe(0);
  });
});
