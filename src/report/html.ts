/**
 * `--format html`: a self-contained audit report to open in a browser or attach to a
 * ticket. Inline CSS, no scripts, nothing loaded from anywhere (its Content-Security-Policy
 * forbids it too). A summary of the scan, then the findings grouped by provider, each with
 * where it is, the redacted secret, the masked line and how to revoke it. History findings
 * name their commit, linked to GitHub or GitLab when `meta.repositoryUrl` is one.
 * Every interpolated value is escaped: the template escapes unless told a value is markup,
 * and shows terminal escapes as text (report/inert.ts), for a report printed rather than opened.
 */
import { SEVERITIES, type Severity } from '../engine/types.js';
import { shortSha, type Finding } from '../findings/finding.js';
import { cleanUrl, keyhoundVersion, repositoryLinks, type RepositoryLinks, SEVERITY_RANK, shownLine, shownSecret, verificationText, whereIs } from './common.js';
import { inertKeepingLines } from './inert.js';
import { formatBytes, formatSeconds, leaksOf, plural, severityCounts } from './summary.js';
import type { Formatter } from './types.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Markup that is already safe. Only the template below makes one. */
class Markup {
  constructor(readonly text: string) {}
}

type Value = Markup | string | number | false | undefined | null | Value[];

function render(value: Value): string {
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(inertKeepingLines(String(value)));
}

/** A template whose interpolations are escaped, unless they are Markup made by this same template. */
function html(strings: TemplateStringsArray, ...values: Value[]): Markup {
  return new Markup(strings.reduce((out, part, i) => out + part + (i < values.length ? render(values[i]!) : ''), ''));
}

const STYLE = `
:root { color-scheme: light dark; --bg: #f6f8fa; --card: #ffffff; --text: #1f2328; --muted: #59636e; --border: #d1d9e0;
  --code: #eff2f5; --critical: #c11f2f; --high: #bc4c00; --medium: #9a6700; --low: #1a7f37; --ok: #1a7f37; --link: #0969da; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --card: #161b22; --text: #e6edf3; --muted: #9198a1; --border: #30363d;
  --code: #1f242c; --critical: #ff7b72; --high: #ffa657; --medium: #e3b341; --low: #7ee787; --ok: #56d364; --link: #4493f8; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 28px 24px 48px; }
a { color: var(--link); }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 8px; padding-bottom: 6px; border-bottom: 1px solid var(--border); }
h2 .count { color: var(--muted); font-weight: normal; font-size: 15px; margin-left: 8px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: 13px; }
code { background: var(--code); padding: 1px 5px; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: var(--code); margin: 0; padding: 6px 9px; border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.run { color: var(--muted); margin: 0; }
.verdict { font-size: 18px; font-weight: 600; margin: 18px 0 6px; }
.verdict.leaks { color: var(--critical); }
.verdict.clean { color: var(--ok); }
.verdict .muted { font-weight: normal; }
.danger { border: 2px solid var(--critical); color: var(--critical); border-radius: 8px; padding: 10px 14px; font-weight: 600; margin: 16px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 10px; margin: 14px 0; }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: 10px 14px; }
.card .value { display: block; font-size: 22px; font-weight: 650; }
.card .label { color: var(--muted); font-size: 13px; }
.card.sev { border-top: 4px solid var(--sev); }
.card.sev .value { color: var(--sev); }
.critical { --sev: var(--critical); } .high { --sev: var(--high); } .medium { --sev: var(--medium); } .low { --sev: var(--low); }
.card.sev.none .value { color: var(--muted); }
.notes p, .notes ul { margin: 4px 0; }
nav.toc { margin: 14px 0 0; display: flex; flex-wrap: wrap; gap: 4px 14px; }
nav.toc a { white-space: nowrap; }
.scanned { margin: 10px 0 0; }
article.finding { background: var(--card); border: 1px solid var(--border); border-left: 5px solid var(--sev); border-radius: 8px;
  padding: 12px 16px 14px; margin: 12px 0; break-inside: avoid; }
article.finding > h3 { font-size: 16px; margin: 0 0 8px; display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 700; letter-spacing: .04em;
  text-transform: uppercase; color: var(--card); background: var(--sev); }
dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 5px 14px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { text-align: left; border: 1px solid var(--border); padding: 6px 9px; vertical-align: top; overflow-wrap: anywhere; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; }
@media print { body { background: #fff; } main { max-width: none; padding: 0; } a { color: inherit; } }
`;

/** Highest severity first, then the provider's name. */
function providerGroups(findings: readonly Finding[]): Array<[string, Finding[]]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) groups.set(finding.provider, [...(groups.get(finding.provider) ?? []), finding]);
  const worst = (list: Finding[]) => Math.min(...list.map((f) => SEVERITY_RANK[f.severity]));
  for (const list of groups.values()) list.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  return [...groups].sort(([a, x], [b, y]) => worst(x) - worst(y) || a.localeCompare(b));
}

function anchor(provider: string): string {
  return `provider-${provider.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

function link(href: string | undefined, text: Value): Markup {
  return href ? html`<a href="${href}" rel="noopener noreferrer">${text}</a>` : html`${text}`;
}

function card(value: Value, label: string, extra = ''): Markup {
  return html`<div class="${`card ${extra}`.trim()}"><span class="value">${value}</span><span class="label">${label}</span></div>`;
}

function findingBlock(finding: Finding, showSecrets: boolean, links: RepositoryLinks | undefined): Markup {
  const { commit, history } = finding;
  const where = `${finding.file}:${finding.line}:${finding.column}`;
  const fileLink = commit && links?.file(commit.sha, finding.file, finding.line, finding.endLine);
  const secret = shownSecret(finding, showSecrets);
  return html`<article class="finding ${finding.severity}">
<h3><span class="badge">${finding.severity}</span><code>${finding.ruleId}</code><span>${finding.description}</span></h3>
<dl>
<dt>Where</dt><dd>${link(fileLink, where)} <span class="muted">to line ${finding.endLine}, column ${finding.endColumn}</span></dd>
<dt>Secret</dt><dd>${secret.includes('\n') ? html`<pre>${secret}</pre>` : html`<code>${secret}</code>`}</dd>
<dt>Line</dt><dd><pre>${shownLine(finding, showSecrets)}</pre></dd>
${finding.verification ? html`<dt>Provider says</dt><dd>${verificationText(finding.verification)}</dd>
` : ''}<dt>Confidence</dt><dd>${finding.confidence}${finding.encoding ? html` · found inside ${finding.encoding.join(' inside ')}-encoded text` : ''}</dd>
${finding.pair ? html`<dt>Paired with</dt><dd><code>${finding.pair.ruleId}</code> <code>${finding.pair.secret}</code> at line ${finding.pair.line}, column ${finding.pair.column}: rotate both</dd>
` : ''}${commit ? html`<dt>Commit</dt><dd>${link(links?.commit(commit.sha), html`<code>${shortSha(commit.sha)}</code>`)} · ${commit.author} &lt;${commit.email}&gt; · ${commit.date}<br>${commit.message}</dd>
` : ''}${history ? html`<dt>History</dt><dd>added in ${plural(history.commits, 'commit')} to ${history.paths.join(', ')}; ${history.presentAtHead ? 'still in the current tree' : 'no longer in the current tree (it stays valid until it is revoked)'}</dd>
` : ''}${finding.informative
    ? html`<dt>Note</dt><dd>Not a secret: whose or where a credential reported nearby is. Rotating that credential is the fix.</dd>`
    : html`<dt>How to fix</dt><dd>${finding.remediation}</dd>`}
<dt>Fingerprint</dt><dd><code>${finding.fingerprint}</code></dd>
</dl>
</article>
`;
}

function startedText(startedAt: string | undefined): string | undefined {
  const ms = startedAt ? Date.parse(startedAt) : NaN;
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC` : undefined;
}

export const formatHtml: Formatter = ({ findings, stats, suppressed, staleIgnores, meta }, { showSecrets }) => {
  const version = keyhoundVersion(meta);
  const links = repositoryLinks(meta?.repositoryUrl);
  const repository = cleanUrl(meta?.repositoryUrl);
  const started = startedText(meta?.startedAt);
  const groups = providerGroups(findings);
  const leaks = leaksOf(findings);
  const notes = findings.length - leaks.length;
  const count = (severity: Severity) => leaks.filter((finding) => finding.severity === severity).length;
  const skipped = Object.entries(stats.skipped).map(([reason, n]) => `${n} ${reason}`);
  const title = leaks.length ? `${plural(leaks.length, 'leak')} found` : 'no leaks found';

  const run = [
    html`keyhound ${version}`,
    meta?.command && html`<code>${meta.command}</code>`,
    started && html`started ${started}`,
  ].filter((part): part is Markup => part instanceof Markup);
  const scanned = [
    (repository || meta?.repositoryPath) && html`<dt>Repository</dt><dd>${repository ? link(repository, repository) : meta?.repositoryPath}</dd>`,
    meta?.branch && html`<dt>Branch</dt><dd><code>${meta.branch}</code></dd>`,
    meta?.revision && html`<dt>Commit</dt><dd>${link(links?.commit(meta.revision), html`<code>${meta.revision}</code>`)}</dd>`,
  ].filter((part): part is Markup => part instanceof Markup);
  const notesText = notes ? html` <span class="muted">${plural(notes, 'note')} (public keys, users, hosts): not secrets.</span>` : '';

  const body = html`<main>
<header>
<h1>keyhound secret scan</h1>
<p class="run">${run.map((part, i) => (i ? [html` · `, part] : part))}</p>
${scanned.length ? html`<dl class="scanned">${scanned}</dl>` : ''}
${showSecrets ? html`<p class="danger">This report shows raw secrets (--show-secrets). Do not share it, and delete it when you are done.</p>
` : ''}${leaks.length
    ? html`<p class="verdict leaks">✖ ${plural(leaks.length, 'leak')} found (${severityCounts(leaks)}): revoke and rotate each of these credentials.${notesText}</p>`
    : html`<p class="verdict clean">✔ No leaks found.${notesText}</p>`}
<div class="cards">
${card(stats.files, 'files scanned')}${stats.commits !== undefined ? card(stats.commits, 'commits read') : ''}${card(formatBytes(stats.bytes), 'scanned')}${card(formatSeconds(stats.durationMs), 'duration')}${card(stats.rules, 'rules')}${card(stats.suppressed ?? 0, 'suppressed')}
</div>
<div class="cards">
${SEVERITIES.map((severity) => card(count(severity), severity, `sev ${severity}${count(severity) ? '' : ' none'}`))}
</div>
<div class="notes">
<p>Skipped: ${skipped.length ? skipped.join(', ') : 'none'}.</p>
${stats.warnings.length ? html`<p>Warnings:</p><ul>${stats.warnings.map((warning) => html`<li>${warning}</li>`)}</ul>` : ''}
</div>
${groups.length ? html`<nav class="toc">${groups.map(([provider, list]) => html`<a href="#${anchor(provider)}">${provider} (${list.length})</a>`)}</nav>` : ''}
</header>
${groups.map(([provider, list]) => html`<section id="${anchor(provider)}">
<h2>${provider}<span class="count">${plural(list.length, 'finding')}</span></h2>
${list.map((finding) => findingBlock(finding, showSecrets, links))}</section>
`)}${suppressed?.length ? html`<section id="suppressed">
<h2>Suppressed<span class="count">${plural(suppressed.length, 'finding')}</span></h2>
<table><thead><tr><th>Where</th><th>Rule</th><th>Secret</th><th>Suppressed by</th></tr></thead><tbody>
${suppressed.map((finding) => html`<tr><td>${whereIs(finding)}</td><td><code>${finding.ruleId}</code></td><td><code>${shownSecret(finding, showSecrets)}</code></td><td>${finding.suppressedBy ?? ''}</td></tr>
`)}</tbody></table>
</section>
` : ''}${staleIgnores?.length ? html`<section id="stale-ignores">
<h2>Stale ignore entries<span class="count">${plural(staleIgnores.length, 'entry')}</span></h2>
<p>These ignore-file entries matched nothing in this scan:</p>
<ul>${staleIgnores.map((entry) => html`<li>line ${entry.line}: <code>${entry.fingerprint}</code>${entry.comment ? html` <span class="muted"># ${entry.comment}</span>` : ''}</li>`)}</ul>
</section>
` : ''}<footer>Generated by keyhound ${version}. ${showSecrets
    ? 'Secrets are shown raw.'
    : 'Secrets are redacted: a known prefix and at most 4 characters, then a fixed-length mask.'} A fingerprint hashes the rule and the secret: it names a secret without revealing it.</footer>
</main>`;

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="keyhound ${escapeHtml(version)}">
<title>keyhound: ${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.text}
</body>
</html>
`;
};
