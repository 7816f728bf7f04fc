/**
 * The default report, for people: one block per finding (with its fingerprint, for
 * `keyhound ignore`), then how to fix each kind of leak, once, then a one-line summary.
 */
import { rawSecret, shortSha, withRawSecrets, type Finding } from '../findings/finding.js';
import { verificationText, whereIs } from './common.js';
import { inert } from './inert.js';
import { summaryLine } from './summary.js';
import type { Formatter } from './types.js';

const STYLES = { bold: [1, 22], red: [31, 39], yellow: [33, 39], green: [32, 39], cyan: [36, 39] } as const;
type Style = keyof typeof STYLES;

/**
 * Every value interpolated below passes through `inert` (report/inert.ts): file names,
 * lines, commit subjects, authors, and rule texts from a scanned repository's own config
 * can hold terminal escapes and line breaks that forge CI workflow commands.
 */
export const formatText: Formatter = ({ findings, stats, suppressed, staleIgnores }, { showSecrets, color }) => {
  const paint = (style: Style, text: string): string => (color ? `\u001b[${STYLES[style][0]}m${text}\u001b[${STYLES[style][1]}m` : text);
  const blocks = findings.map((finding) => {
    const severity = finding.severity === 'critical' || finding.severity === 'high' ? paint('red', finding.severity) : paint('yellow', finding.severity);
    const shown = showSecrets ? withRawSecrets(finding) : finding;
    const line = showSecrets ? finding.lineText.split(finding.secret).join(shown.secret) : finding.lineText;
    const kind = finding.informative ? `, ${paint('cyan', 'note')}` : '';
    const lines = [
      `${paint('bold', inert(whereIs(finding)))}  ${inert(finding.ruleId)}  ${inert(finding.description)} (${inert(finding.provider)}, ${severity}${kind})`,
      `  secret  ${inert(shown.secret)}${finding.encoding ? ` (inside ${finding.encoding.join(' inside ')})` : ''}  fingerprint ${finding.fingerprint}`,
      `  line    ${inert(line)}`,
    ];
    if (finding.verification) lines.push(`  ${paint('bold', 'verify')}  ${inert(verificationText(finding.verification))}`);
    if (shown.pair) lines.push(`  pair    ${inert(shown.pair.ruleId)} ${inert(shown.pair.secret)} at line ${shown.pair.line}, column ${shown.pair.column}: rotate both`);
    if (finding.commit) {
      const { sha, author, email, date, message } = finding.commit;
      lines.push(`  commit  ${inert(`${shortSha(sha)} ${date} ${author} <${email}> ${message}`)}`);
      if (finding.history?.truncated) lines.push('          history truncated: the clone is shallow, and the secret is already there at this boundary commit (it came in here or earlier)');
    }
    return lines.join('\n');
  });
  if (findings.length) blocks.push(howToFix(findings, paint));
  if (suppressed?.length) {
    blocks.push(
      [`Suppressed (${suppressed.length}):`, ...suppressed.map((finding) =>
        `  ${inert(`${whereIs(finding)}  ${finding.ruleId}  ${showSecrets ? rawSecret(finding) : finding.secret}  by ${finding.suppressedBy}`)}`)].join('\n'),
    );
  }
  if (staleIgnores?.length) {
    blocks.push(
      [`Stale ignore entries (${staleIgnores.length}), matching nothing in this scan:`, ...staleIgnores.map((entry) =>
        `  line ${entry.line}  ${entry.fingerprint}${entry.comment ? `  # ${inert(entry.comment)}` : ''}`)].join('\n'),
    );
  }
  const summary = summaryLine(findings, stats);
  // Notes alone (public keys, users, hosts) are no leak: the mark says what the exit code says.
  const last = findings.some((finding) => !finding.informative) ? paint('red', `✖ ${summary}`) : paint('green', `✔ ${summary}`);
  return [...blocks, last].join('\n\n') + '\n';
};

/**
 * Each rule's fix once, after all the findings (rules of one provider share theirs), and
 * the two ways out of a false alarm: a comment on the line, or the fingerprint in
 * .keyhoundignore where no comment fits (JSON).
 */
function howToFix(findings: readonly Finding[], paint: (style: Style, text: string) => string): string {
  const rulesByFix = new Map<string, Set<string>>();
  for (const finding of findings) {
    if (finding.informative) continue;
    const rules = rulesByFix.get(finding.remediation) ?? new Set<string>();
    rulesByFix.set(finding.remediation, rules.add(finding.ruleId));
  }
  const lines = rulesByFix.size ? [paint('cyan', 'How to fix (rotate first: a leaked key works until it is revoked):')] : [];
  for (const [fix, rules] of rulesByFix) lines.push(`  ${inert([...rules].join(', '))}`, `    ${inert(fix)}`);
  if (findings.some((finding) => finding.informative)) {
    lines.push(`${paint('cyan', 'Notes')} are not secrets: whose or where a credential reported nearby is; rotating that credential is the fix.`);
  }
  lines.push(
    'A false alarm? Add `keyhound:allow` in a comment on its line; where no comment fits (JSON),',
    '  keyhound ignore FINGERPRINT --reason "why"   (records it in .keyhoundignore)',
  );
  return lines.join('\n');
}
