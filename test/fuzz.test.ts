/**
 * Property-based tests (fast-check): the parts that read outside input must never throw
 * anything but a KeyhoundError, and must say exactly where things are.
 * A failure prints the seed and the shrunk counterexample; rerun it with `seed` in fc.assert.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinRuleFiles } from '../src/rules/builtin-rules.js';
import { loadConfig } from '../src/config/config.js';
import { compileRuleFile, parseRuleFile } from '../src/rules/rule-files.js';
import { DECODERS } from '../src/engine/decode.js';
import type { RawFinding } from '../src/engine/types.js';
import { isKeyhoundError } from '../src/errors.js';
import { compileRuleset } from '../src/scan/ruleset.js';
import { COMMIT_MARKER, DiffParser, type FileDiff } from '../src/sources/diff-parser.js';
import { tempDir } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';

/** KEYHOUND_FUZZ_RUNS=5000 for a longer hunt. */
const RUNS = Number(process.env.KEYHOUND_FUZZ_RUNS ?? 300);

// --- the diff parser -------------------------------------------------------------------

function parseFiles(lines: readonly string[]): FileDiff[] {
  const files: FileDiff[] = [];
  const parser = new DiffParser({ file: (diff) => files.push(diff), commit: () => {} });
  for (const line of lines) parser.line(line);
  parser.end();
  return files;
}

/** Each run of consecutive added lines, as `text` with the new-file number of its first line. */
interface AddedRun {
  path: string;
  text: string;
  startLine: number;
  commit?: FileDiff['commit'];
}

function parse(lines: readonly string[]): AddedRun[] {
  const runs: AddedRun[] = [];
  for (const file of parseFiles(lines)) {
    for (const hunk of file.hunks) {
      let run: string[] = [];
      let start = 0;
      const flush = (): void => {
        if (run.length) runs.push({ path: file.path, text: run.join('\n'), startLine: start, ...(file.commit ? { commit: file.commit } : {}) });
        run = [];
      };
      hunk.lines.forEach((line, i) => {
        if (!hunk.added[i]) return flush();
        if (run.length === 0) start = hunk.startLine + i;
        run.push(line);
      });
      flush();
    }
  }
  return runs;
}

/** One line of content: anything but a line break. */
const content = fc.string({ unit: 'grapheme', maxLength: 30 }).map((text) => text.replace(/[\n]/g, ' '));
const path = fc.constantFrom('a.txt', 'src/app.js', 'dir with space/x.env', 'caf\u00e9.txt', '.env');

/** A hunk header with any counts (git writes a new start of 0 only with a count of 0; here, any). */
const hunkHeader = fc
  .tuple(fc.nat(500), fc.option(fc.nat(6), { nil: undefined }), fc.oneof(fc.constant(0), fc.nat(500)), fc.option(fc.nat(6), { nil: undefined }), fc.constantFrom('', ' function x() {', ' @@'))
  .map(([a, b, c, d, tail]) => `@@ -${a}${b === undefined ? '' : `,${b}`} +${c}${d === undefined ? '' : `,${d}`} @@${tail}`);

/** Any line a diff stream may hold, in any order: headers, hunks, changes, markers. */
const diffLine = fc.oneof(
  path.map((p) => `diff --git a/${p} b/${p}`),
  path.map((p) => `+++ b/${p}`),
  fc.constant('+++ /dev/null'),
  path.map((p) => `--- a/${p}`),
  path.map((p) => `+++ "b/${p.replace(/\u00e9/, '\\303\\251')}"`),
  fc.constant('index 1234567..89abcde 100644'),
  fc.constant('new file mode 100644'),
  hunkHeader,
  content.map((text) => `+${text}`),
  content.map((text) => `-${text}`),
  content.map((text) => ` ${text}`),
  fc.constant('\\ No newline at end of file'),
  path.map((p) => `Binary files a/${p} and b/${p} differ`),
  fc.constant('Binary files /dev/null and b/img.png differ'),
  fc.tuple(fc.stringMatching(/^[0-9a-f]{40}$/), content).map(([sha, subject]) => `${COMMIT_MARKER}${sha}\u0001A U Thor\u0001a@b.invalid\u00012024-01-02T03:04:05Z\u0001${subject}`),
  fc.constant(`${COMMIT_MARKER}truncated`),
  fc.constant(''),
  content,
);

/** A well-formed file diff: header, then hunks whose counts match their lines. */
const wellFormedFile = fc.record({
  path,
  deleted: fc.boolean(),
  hunks: fc.array(
    fc.array(fc.oneof(content.map((text) => ['+', text] as const), content.map((text) => ['-', text] as const), content.map((text) => [' ', text] as const)), { minLength: 1, maxLength: 8 }),
    { maxLength: 4 },
  ),
  noNewline: fc.boolean(),
});

describe('fuzz: diff parser', () => {
  it('never throws on any sequence of diff lines, and emits only + lines, from line 1 on', () => {
    fc.assert(
      fc.property(fc.array(diffLine, { maxLength: 60 }), (lines) => {
        const fragments = parse(lines);
        const added = lines.filter((line) => line.startsWith('+')).map((line) => line.slice(1));
        const emitted = fragments.flatMap((fragment) => fragment.text.split('\n'));
        // Emitted lines are + lines given, in their order (a subsequence of them).
        let at = 0;
        for (const line of emitted) {
          while (at < added.length && added[at] !== line) at += 1;
          expect(at, `emitted a line that is no + line: ${JSON.stringify(line)}`).toBeLessThan(added.length);
          at += 1;
        }
        for (const fragment of fragments) expect(fragment.startLine).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: RUNS },
    );
  });

  it('on well-formed diffs, emits exactly the + lines of files that are not deleted', () => {
    fc.assert(
      fc.property(fc.array(wellFormedFile, { maxLength: 4 }), fc.boolean(), (files, withCommit) => {
        const lines: string[] = withCommit ? [`${COMMIT_MARKER}${'a'.repeat(40)}\u0001A\u0001a@b.invalid\u00012024-01-02T03:04:05Z\u0001subject`] : [];
        const expected: string[] = [];
        for (const file of files) {
          lines.push(`diff --git a/${file.path} b/${file.path}`, `--- a/${file.path}`, file.deleted ? '+++ /dev/null' : `+++ b/${file.path}`);
          let oldLine = 1;
          let newLine = 1;
          for (const hunk of file.hunks) {
            const oldCount = hunk.filter(([sign]) => sign !== '+').length;
            const newCount = hunk.filter(([sign]) => sign !== '-').length;
            lines.push(`@@ -${oldCount ? oldLine : oldLine - 1},${oldCount} +${newCount ? newLine : newLine - 1},${newCount} @@`);
            for (const [sign, text] of hunk) lines.push(`${sign}${text}`);
            if (file.noNewline) lines.push('\\ No newline at end of file');
            oldLine += oldCount + 3;
            newLine += newCount + 3;
            if (!file.deleted) expected.push(...hunk.filter(([sign]) => sign === '+').map(([, text]) => text));
          }
        }
        const fragments = parse(lines);
        expect(fragments.flatMap((fragment) => fragment.text.split('\n'))).toEqual(expected);
        for (const fragment of fragments) {
          expect(fragment.startLine).toBeGreaterThanOrEqual(1);
          if (withCommit) expect(fragment.commit?.sha).toBe('a'.repeat(40));
        }
      }),
      { numRuns: RUNS },
    );
  });

  /** An edit script applied to an old file: each fragment line is the new file's line at that number. */
  const editScript = fc.record({
    old: fc.array(content, { maxLength: 30 }),
    edits: fc.array(fc.oneof(fc.constant('keep' as const), fc.constant('delete' as const), content.map((text) => ({ insert: text })), content.map((text) => ({ replace: text }))), { maxLength: 40 }),
  });

  /** Applies the script, and writes the -U0 diff git would (one hunk per run of changes). */
  function applyAndDiff(old: readonly string[], edits: ReadonlyArray<'keep' | 'delete' | { insert: string } | { replace: string }>): { next: string[]; diff: string[] } {
    const next: string[] = [];
    const diff: string[] = ['diff --git a/f.txt b/f.txt', '--- a/f.txt', '+++ b/f.txt'];
    let at = 0;
    let hunk: { oldStart: number; newStart: number; removed: string[]; added: string[] } | undefined;
    const close = (): void => {
      if (!hunk) return;
      const { oldStart, newStart, removed, added } = hunk;
      diff.push(`@@ -${removed.length ? oldStart : oldStart - 1},${removed.length} +${added.length ? newStart : newStart - 1},${added.length} @@`);
      diff.push(...removed.map((line) => `-${line}`), ...added.map((line) => `+${line}`));
      hunk = undefined;
    };
    const open = () => (hunk ??= { oldStart: at + 1, newStart: next.length + 1, removed: [], added: [] });
    for (const edit of edits) {
      if (edit === 'keep' || (at >= old.length && (edit === 'delete' || 'replace' in edit))) {
        if (at < old.length) {
          close();
          next.push(old[at]!);
          at += 1;
        }
      } else if (edit === 'delete') {
        open().removed.push(old[at]!);
        at += 1;
      } else if ('insert' in edit) {
        open().added.push(edit.insert);
        next.push(edit.insert);
      } else {
        const current = open();
        current.removed.push(old[at]!);
        current.added.push(edit.replace);
        next.push(edit.replace);
        at += 1;
      }
    }
    close();
    next.push(...old.slice(at));
    return { next, diff };
  }

  it('round trip: every emitted line is the new file\'s line at its number', () => {
    fc.assert(
      fc.property(editScript, ({ old, edits }) => {
        const { next, diff } = applyAndDiff(old, edits);
        const fragments = parse(diff);
        const addedCount = diff.filter((line) => line.startsWith('+') && !line.startsWith('+++')).length;
        expect(fragments.reduce((n, fragment) => n + fragment.text.split('\n').length, 0)).toBe(addedCount);
        for (const fragment of fragments) {
          fragment.text.split('\n').forEach((line, i) => expect(line).toBe(next[fragment.startLine - 1 + i]));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('round trip through git diff --no-index itself, with and without context: every line is the new file\'s line at its number', () => {
    const dir = tempDir('keyhound-fuzz-diff-');
    const printable = fc.stringMatching(/^[ -~]{0,20}$/);
    fc.assert(
      fc.property(fc.array(printable, { maxLength: 12 }), fc.array(printable, { maxLength: 12 }), fc.constantFrom(0, 1, 3, 10), (old, next, context) => {
        writeFileSync(join(dir, 'old.txt'), old.map((line) => `${line}\n`).join(''));
        writeFileSync(join(dir, 'new.txt'), next.map((line) => `${line}\n`).join(''));
        const git = spawnSync('git', ['diff', '--no-index', '--no-color', '--no-ext-diff', `-U${context}`, '--', 'old.txt', 'new.txt'], { cwd: dir, encoding: 'utf8' });
        expect(git.status === 0 || git.status === 1, git.stderr).toBe(true);
        const patch = git.stdout.split('\n');
        const files = parseFiles(patch);
        // + lines after the first hunk header (before it, `+++ b/new.txt` is a header).
        const added = patch.slice(patch.findIndex((line) => line.startsWith('@@'))).filter((line) => line.startsWith('+')).length;
        expect(files.flatMap((file) => file.hunks.flatMap((hunk) => hunk.added.filter(Boolean))).length).toBe(added);
        for (const file of files) {
          expect(file.path).toBe('new.txt');
          for (const hunk of file.hunks) hunk.lines.forEach((line, i) => expect(line).toBe(next[hunk.startLine - 1 + i]));
        }
      }),
      { numRuns: Math.ceil(RUNS / 8) },
    );
  });
});

// --- the config and rule file loaders -----------------------------------------------------

const yamlText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.json({ maxDepth: 3 }),
  fc
    .dictionary(
      fc.constantFrom('useDefault', 'ruleFiles', 'rules', 'remediation', 'disable', 'maxFileSize', 'allowlist', 'ruleAllowlists', 'paths', 'regexes', 'lines', 'stopwords', 'id', 'pattern', 'keywords', 'unknown'),
      fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), fc.constantFrom('10MB', '12 parsecs', '(', '[a-', '*', '${X}')),
      { maxKeys: 5 },
    )
    .chain((data) =>
      fc.constantFrom(
        JSON.stringify(data),
        Object.entries(data).map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join('\n'),
        Object.entries(data).map(([key, value]) => `${key}:\n  - ${JSON.stringify(value)}\n\t- x: [`).join('\n'),
      ),
    ),
  fc.constantFrom('a: 1\na: 2', 'a: !!binary x', '%YAML 9.9\n---\na: 1', '&a [*a]', '? [a]\n: b', '*x', 'a: *b', '&a x\nb: [*a, *a, *a]', 'a: |\n  x\n y', '- a\nb: c', '{', 'maxFileSize: -1', 'rules: [{}]', 'allowlist: {regexes: ["("]}'),
);

function expectKeyhoundErrorNaming(error: unknown, file: string): void {
  if (!isKeyhoundError(error)) throw new Error(`not a KeyhoundError: ${String((error as Error)?.stack ?? error)}`);
  expect(error.message).toContain(file);
}

describe('fuzz: config and rule files', () => {
  const dir = tempDir('keyhound-fuzz-config-');

  it('loadConfig accepts a file or throws a KeyhoundError naming it', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(yamlText, fc.constantFrom('.yaml', '.yml', '.toml', '.json'), async (text, extension) => {
        const file = join(dir, `config-${(n += 1)}${extension}`);
        writeFileSync(file, text);
        try {
          await loadConfig(dir, file, dir);
        } catch (error) {
          expectKeyhoundErrorNaming(error, `config-${n}${extension}`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a rule file parses and compiles, or throws a KeyhoundError naming it', async () => {
    const ruleish = fc
      .record({
        id: fc.oneof(fc.constantFrom('acme-key', 'Bad Id', ''), fc.string({ maxLength: 8 })),
        pattern: fc.oneof(fc.constantFrom('(?<secret>acme_[a-z]{10})', '(?<secret>[', 'acme', '(?<secret>a)(?<secret>b)', '\\'), fc.string({ maxLength: 12 })),
        keywords: fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 }),
        severity: fc.constantFrom('high', 'extreme', 1),
        entropy: fc.oneof(fc.double(), fc.constant('x')),
      })
      .map((rule) => `provider: acme\nremediation: rotate it\nrules:\n  - ${Object.entries({ description: 'd', examples: ['acme_qwzmxnvbty'], ...rule }).map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join('\n    ')}\n`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(yamlText, ruleish), async (text) => {
        const file = join(dir, 'rules-under-test.yaml');
        try {
          compileRuleFile(await parseRuleFile(text, file), file);
        } catch (error) {
          expectKeyhoundErrorNaming(error, 'rules-under-test.yaml');
        }
      }),
      { numRuns: RUNS },
    );
  });
});

// --- the decoders -------------------------------------------------------------------------

describe('fuzz: decoders', () => {
  const decoder = (name: string) => DECODERS.find((candidate) => candidate.name === name)!;
  const printable = fc.stringMatching(/^[ -~]{6,80}$/);

  it('decode never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 100 }), fc.string({ unit: 'binary', maxLength: 100 }), fc.stringMatching(/^[A-Za-z0-9+/_%\\u=-]{0,80}$/)), (text) => {
        for (const one of DECODERS) {
          const decoded = one.decode(text);
          expect(decoded === undefined || typeof decoded === 'string').toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('base64 (standard and URL-safe, padded or not) of printable text decodes back to it', () => {
    fc.assert(
      fc.property(printable, fc.boolean(), fc.boolean(), (text, urlSafe, padded) => {
        let encoded = Buffer.from(text).toString(urlSafe ? 'base64url' : 'base64');
        encoded = padded ? encoded : encoded.replace(/=+$/, '');
        // A run without a digit, + or / reads as an identifier, and is left alone on purpose.
        const looksEncoded = /[0-9+/]/.test(urlSafe ? encoded.replace(/-/g, '+').replace(/_/g, '/') : encoded);
        expect(decoder('base64').decode(encoded)).toBe(looksEncoded ? text : undefined);
        // The run the pattern picks out of a line is the whole encoding.
        const pattern = new RegExp(decoder('base64').pattern);
        if (encoded.replace(/=+$/, '').length >= 16) expect(`data: ${encoded}\n`.match(pattern)?.[0]).toBe(encoded);
      }),
      { numRuns: RUNS },
    );
  });

  it('hex, percent and \\u escapes of printable text decode back to it', () => {
    fc.assert(
      fc.property(printable, (text) => {
        expect(decoder('hex').decode(Buffer.from(text).toString('hex'))).toBe(text);
        const percent = [...text].map((ch) => `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
        expect(decoder('percent').decode(percent)).toBe(text);
        const escaped = [...text].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
        expect(decoder('unicode-escape').decode(escaped)).toBe(text);
      }),
      { numRuns: RUNS },
    );
  });
});

// --- the detector -------------------------------------------------------------------------

describe('fuzz: detector with the built-in rules', async () => {
  const { detector, rules } = compileRuleset({
    files: await builtinRuleFiles(),
    disabled: [],
    allowlist: { regexes: [], lines: [], stopwords: [] },
    ruleAllowlists: {},
  });
  const keywords = [...new Set(rules.flatMap((rule) => rule.keywords))];

  /** Where an offset is, counted again from the text (1-based line and column). */
  function position(text: string, offset: number): { line: number; column: number } {
    const before = text.slice(0, offset);
    const lineStart = before.lastIndexOf('\n') + 1;
    return { line: before.split('\n').length, column: offset - lineStart + 1 };
  }

  function expectConsistent(text: string, findings: RawFinding[]): void {
    for (const finding of findings) {
      expect(finding.start).toBeGreaterThanOrEqual(0);
      expect(finding.start).toBeLessThan(finding.end);
      expect(finding.end).toBeLessThanOrEqual(text.length);
      expect({ line: finding.line, column: finding.column }).toEqual(position(text, finding.start));
      expect({ line: finding.endLine, column: finding.endColumn - 1 }).toEqual(position(text, finding.end - 1));
      if (!finding.encoding) expect(text.slice(finding.start, finding.end)).toBe(finding.secret);
    }
  }

  const token = fc.oneof(
    fc.constantFrom(...keywords),
    fc.stringMatching(/^[A-Za-z0-9_+/=-]{1,48}$/),
    fc.constantFrom(' ', '\n', '\r\n', '\t', '=', ': ', '"', "'", '://', '@', 'keyhound:allow', '${X}', 'xxxxxxxx', '\u00e9', '\ud83d\udd11', '\ud800'),
    fc.integer({ min: 1, max: 2000 }).map((seed) => {
      const keys = fakeKeys(seed);
      return [keys.github, keys.awsKeyId, keys.awsSecret, keys.stripe, keys.githubBadChecksum, `password=${keys.generic}`][seed % 6]!;
    }),
    fc.integer({ min: 1, max: 2000 }).map((seed) => Buffer.from(`token=${fakeKeys(seed).github}`).toString('base64')),
  );
  const texts = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.array(token, { maxLength: 40 }).map((parts) => parts.join('')),
    fc.array(token, { maxLength: 40 }).map((parts) => parts.join(' ')),
  );

  it('no exception escapes; every finding lies in the text, where its line and column say', () => {
    fc.assert(
      fc.property(texts, (text) => {
        expectConsistent(text, detector.detect(text));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('finds a GitHub token planted at a random place in random filler, at the right line and column', () => {
    const filler = fc.array(fc.oneof(fc.stringMatching(/^[a-z ]{0,30}$/), fc.constantFrom('\n', '\r\n', ' ', '\t', '"', '=', '# ', 'x: ')), { maxLength: 30 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(filler, filler, fc.integer({ min: 1, max: 100_000 }), fc.constantFrom(' ', '\n', '"', "'", '=', ': ', '\t'), (before, after, seed, separator) => {
        const github = fakeKeys(seed).github;
        const text = `${before}${separator}${github}${separator}${after}`;
        const findings = detector.detect(text);
        expectConsistent(text, findings);
        const start = before.length + separator.length;
        const found = findings.find((finding) => finding.rule.id === 'github-pat-classic');
        expect(found, JSON.stringify(text)).toBeDefined();
        expect(found!.secret).toBe(github);
        expect(found!.start).toBe(start);
        expect({ line: found!.line, column: found!.column }).toEqual(position(text, start));
      }),
      { numRuns: RUNS },
    );
  });
});
