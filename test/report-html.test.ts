/**
 * The HTML audit report: self-contained, every value escaped, commit and file links
 * only for a GitHub or GitLab https repository, and, in a real headless Chromium, a page
 * that shows the findings and no raw secret. The browser test needs /usr/bin/chromium
 * (Debian package `chromium`) and is skipped, saying so, where it is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rawSecret } from '../src/findings/finding.js';
import { escapeHtml, formatHtml } from '../src/report/html.js';
import type { ReportInput } from '../src/report/types.js';
import { allFindings, COMMIT, hiddenParts, META, reportInput, reportInputWithSuppressed } from './fixtures/report-input.js';

const redacted = { showSecrets: false, color: false };

/** The same report with hostile values everywhere a scanned repository controls text. */
function hostileInput(): ReportInput {
  const input = reportInput();
  Object.assign(input.findings[0]!, { file: `<img src=x onerror="document.title='pwned'">.js` });
  Object.assign(input.findings[4]!, { description: `<script>document.title='pwned'</script>` });
  input.findings[2]!.commit = { ...COMMIT, author: `<b onmouseover=alert(1)>Mallory</b>`, message: `"><script>alert(1)</script>` };
  input.stats.warnings.push(`<iframe src="https://evil.example/">`);
  return input;
}

describe('html', () => {
  it('is one self-contained page: no scripts, no external resources, a CSP that forbids them', () => {
    const page = formatHtml(reportInputWithSuppressed(), redacted);
    expect(page).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';`);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|@import|url\(/i);
    // The only URLs are links (repository, commits, files) and the CSS has none.
    const urls = [...page.matchAll(/https?:\/\/[^\s"<]+/g)].map((m) => m[0]);
    expect(urls.every((url) => url.startsWith('https://github.com/'))).toBe(true);
  });

  it('escapes every value a repository controls', () => {
    const page = formatHtml(hostileInput(), redacted);
    expect(page).not.toMatch(/<script|<img|<iframe|<b onmouseover/i);
    expect(page).toContain('&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;.js:2:17');
    expect(page).toContain('&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&lt;iframe src=&quot;https://evil.example/&quot;&gt;');
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('summarises the scan and groups findings by provider, worst first', () => {
    const page = formatHtml(reportInput(), redacted);
    expect(page).toContain('✖ 6 leaks found (3 critical, 1 high, 1 medium, 1 low)');
    expect(page).toContain('<span class="value">42</span><span class="label">files scanned</span>');
    expect(page).toContain('<span class="value">12</span><span class="label">commits read</span>');
    expect(page).toContain('<span class="value">120.6 KB</span>');
    expect(page).toContain('<span class="value">1.23 s</span>');
    expect(page).toContain('Skipped: 2 binary, 1 too-large, 3 allowlisted.');
    const order = [...page.matchAll(/<section id="provider-([a-z-]+)">/g)].map((m) => m[1]);
    expect(order).toEqual(['github', 'private-key', 'stripe', 'aws', 'generic', 'acme']);
  });

  it('links a history finding to its commit and file on GitHub', () => {
    const page = formatHtml(reportInput(), redacted);
    expect(page).toContain(`<a href="https://github.com/example/shop/commit/${COMMIT.sha}" rel="noopener noreferrer"><code>3f2a9c1d5e7b</code></a>`);
    expect(page).toContain(`<a href="https://github.com/example/shop/blob/${COMMIT.sha}/config/payments.yaml#L4" rel="noopener noreferrer">config/payments.yaml:4:15</a>`);
    expect(page).toContain('Dana Developer &lt;dana@example.com&gt;');
    // Working-tree findings have no commit to link to.
    expect(page).toContain('<dt>Where</dt><dd>src/app.js:2:17 ');
  });

  it('links to GitLab with its /-/ paths and line ranges, and drops credentials from the URL', () => {
    const input = reportInput();
    input.findings[3]!.commit = COMMIT;
    input.findings[3]!.file = 'keys/my deploy.pem';
    // Built here, so that no URL with a password sits in this file for keyhound to find.
    input.meta = { ...input.meta, repositoryUrl: ['https://oauth2', 'glpat-hunter2@gitlab.com/group/sub/project.git'].join(':') };
    const page = formatHtml(input, redacted);
    expect(page).toContain(`href="https://gitlab.com/group/sub/project/-/commit/${COMMIT.sha}"`);
    expect(page).toContain(`href="https://gitlab.com/group/sub/project/-/blob/${COMMIT.sha}/config/payments.yaml#L4"`);
    expect(page).toContain(`href="https://gitlab.com/group/sub/project/-/blob/${COMMIT.sha}/keys/my%20deploy.pem#L1-5"`);
    expect(page).not.toContain('hunter2');
    input.meta.repositoryUrl = 'https://github.com/example/shop/';
    expect(formatHtml(input, redacted)).toContain(`href="https://github.com/example/shop/blob/${COMMIT.sha}/keys/my%20deploy.pem#L1-L5"`);
  });

  it('makes no links for other hosts, plain http, other schemes or paths outside the repository', () => {
    for (const repositoryUrl of ['https://bitbucket.org/example/shop', 'http://github.com/example/shop', 'javascript:alert(1)//github.com/a/b', 'git@github.com:example/shop.git', 'https://github.com/example']) {
      const input = reportInput();
      input.meta = { ...input.meta, repositoryUrl };
      const page = formatHtml(input, redacted);
      expect(page, repositoryUrl).not.toMatch(/\/commit\/|\/blob\//);
      expect(page, repositoryUrl).not.toContain('javascript:');
    }
    const input = reportInput();
    input.findings[2]!.file = '../outside/payments.yaml';
    expect(formatHtml(input, redacted)).not.toContain('/blob/');
  });

  it('names the repository, branch and commit scanned, linking the commit', () => {
    const page = formatHtml(reportInput(), redacted);
    expect(page).toContain('<dt>Repository</dt><dd><a href="https://github.com/example/shop" rel="noopener noreferrer">https://github.com/example/shop</a></dd>');
    expect(page).toContain('<dt>Branch</dt><dd><code>main</code></dd>');
    expect(page).toContain(`<dt>Commit</dt><dd><a href="https://github.com/example/shop/commit/${META.revision}" rel="noopener noreferrer"><code>${META.revision}</code></a></dd>`);
    // A repository without an https address is named by where it is.
    const local = reportInput();
    local.meta = { revision: META.revision, repositoryPath: '/home/dana/shop' };
    expect(formatHtml(local, redacted)).toContain(`<dt>Repository</dt><dd>/home/dana/shop</dd><dt>Commit</dt><dd><code>${META.revision}</code></dd>`);
  });

  it('asks to rotate the leaks only: notes (public keys, users, hosts) are counted apart and not called credentials', () => {
    const input = reportInput();
    Object.assign(input.findings[5]!, { informative: true });
    const page = formatHtml(input, redacted);
    expect(page).toContain('✖ 5 leaks found (3 critical, 1 high, 1 medium): revoke and rotate each of these credentials. <span class="muted">1 note (public keys, users, hosts): not secrets.</span>');
    expect(page).toContain('<dt>Note</dt><dd>Not a secret');
    expect(page.match(/<dt>How to fix<\/dt>/g)).toHaveLength(5);
    for (const finding of input.findings) Object.assign(finding, { informative: true });
    const notesOnly = formatHtml(input, redacted);
    expect(notesOnly).toContain('✔ No leaks found. <span class="muted">6 notes');
    expect(notesOnly).not.toContain('rotate each');
  });

  it('says when there is nothing to report, and works without meta', () => {
    const page = formatHtml({ findings: [], stats: { files: 7, bytes: 900, rules: 221, findings: 0, durationMs: 20, skipped: {}, warnings: [] } }, redacted);
    expect(page).toContain('✔ No leaks found.');
    expect(page).toContain('Skipped: none.');
    expect(page).not.toContain('<section');
    expect(page).toContain('<title>keyhound: no leaks found</title>');
  });

  it('lists suppressed findings and stale ignore entries', () => {
    const page = formatHtml(reportInputWithSuppressed(), redacted);
    expect(page).toContain('<h2>Suppressed<span class="count">2 findings</span></h2>');
    expect(page).toContain('inline comment &quot;keyhound:allow&quot;');
    expect(page).toContain('.keyhoundignore:3 (rotated in March)');
    expect(page).toContain('<code>0123456789abcdef0123456789abcdef</code> <span class="muted"># old key</span>');
  });

  it('shows raw secrets only with --show-secrets, and then says so at the top', () => {
    const input = reportInput();
    expect(formatHtml(input, redacted)).not.toContain('This report shows raw secrets');
    const page = formatHtml(input, { ...redacted, showSecrets: true });
    expect(page).toContain('This report shows raw secrets (--show-secrets)');
    expect(page).toContain(`<pre>${escapeHtml(rawSecret(input.findings[3]!))}</pre>`);
    expect(page).toContain(`<code>${rawSecret(input.findings[0]!)}</code>`);
  });
});

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const skipNote = hasChromium ? '' : ` [SKIPPED: ${CHROMIUM} not found; install the Debian package "chromium" to run it]`;

function chromium(args: string[], url: string): { status: number | null; stdout: string; stderr: string } {
  const profile = mkdtempSync(join(tmpdir(), 'keyhound-chromium-'));
  try {
    const result = spawnSync(CHROMIUM, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', `--user-data-dir=${profile}`, ...args, url,
    ], { encoding: 'utf8', timeout: 60_000 });
    return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

describe.skipIf(!hasChromium)(`html in headless Chromium${skipNote}`, () => {
  it('renders the findings, redacted, and runs none of the hostile markup', { timeout: 90_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyhound-html-'));
    try {
      const input = hostileInput();
      const file = join(dir, 'report.html');
      writeFileSync(file, formatHtml(input, redacted));
      const { status, stdout, stderr } = chromium(['--dump-dom'], pathToFileURL(file).href);
      expect(status, stderr).toBe(0);
      expect(stdout).toContain('<title>keyhound: 6 leaks found</title>');
      for (const finding of input.findings) {
        expect(stdout).toContain(finding.ruleId);
        expect(stdout).toContain(escapeHtml(finding.secret));
      }
      for (const part of hiddenParts(allFindings(input))) expect(stdout).not.toContain(part);
      // The hostile values are text in the DOM, not elements.
      expect(stdout).not.toMatch(/<script|<img|<iframe|<b onmouseover/i);
      expect(stdout).not.toContain('pwned</title>');
      expect(stdout).toContain('&lt;script&gt;document.title=\'pwned\'&lt;/script&gt;');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /**
   * The report as a wide audit makes it: a provider for every group in the table of
   * contents, long paths, long unbroken values. The page is measured by a script added
   * here (the report itself runs none: its CSP forbids scripts, so that is removed for
   * the measurement): document width against viewport width, written into the DOM.
   */
  function wideReport(): string {
    const input = reportInputWithSuppressed();
    for (let i = 0; i < 30; i++) {
      input.findings.push({ ...input.findings[4]!, provider: `provider-number-${i}`, file: `services/billing-${i}/${'very-long-directory-name/'.repeat(6)}settings.json` });
    }
    const page = formatHtml(input, redacted);
    return page.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n/, '').replace('</body>',
      '<script>document.body.dataset.width = document.documentElement.scrollWidth + " " + document.documentElement.clientWidth;</script></body>');
  }

  for (const width of [800, 1400]) {
    it(`fits a ${width} px wide window: no horizontal scroll, and the repository, branch and commit in view`, { timeout: 90_000 }, () => {
      const dir = mkdtempSync(join(tmpdir(), 'keyhound-html-'));
      try {
        const file = join(dir, 'report.html');
        writeFileSync(file, wideReport());
        const { status, stdout, stderr } = chromium(['--dump-dom', `--window-size=${width},1000`], pathToFileURL(file).href);
        expect(status, stderr).toBe(0);
        const [scrollWidth, clientWidth] = (/data-width="(\d+) (\d+)"/.exec(stdout) ?? []).slice(1).map(Number);
        expect(clientWidth, stdout.slice(0, 300)).toBeGreaterThan(width - 40);
        expect(scrollWidth).toBeLessThanOrEqual(clientWidth!);
        expect(stdout).toContain('<dt>Branch</dt><dd><code>main</code></dd>');
        expect(stdout).toContain(META.revision);

        const png = join(dir, 'report.png');
        const shot = chromium([`--screenshot=${png}`, `--window-size=${width},1000`, '--hide-scrollbars'], pathToFileURL(file).href);
        expect(shot.status, shot.stderr).toBe(0);
        const header = readFileSync(png);
        expect(header.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
        // The PNG's IHDR: the screenshot is the window's width.
        expect(header.readUInt32BE(16)).toBe(width);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
