/** GitHub Actions workflow commands: one annotation per finding, escaped so that nothing can start another command. */
import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, formatGithub } from '../src/report/github.js';
import { summaryLine } from '../src/report/summary.js';
import type { ReportInput } from '../src/report/types.js';
import { reportInput, reportInputWithSuppressed } from './fixtures/report-input.js';

const redacted = { showSecrets: false, color: false };

interface Command {
  command: string;
  properties: Record<string, string>;
  message: string;
}

/** Reads a line as the Actions runner does: `::name k=v,k=v::message`, then unescapes. */
function parseCommand(line: string): Command | undefined {
  const match = /^::([a-z]+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!match) return undefined;
  const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  const properties = Object.fromEntries((match[2] ?? '').split(',').filter(Boolean).map((pair) => {
    const at = pair.indexOf('=');
    return [pair.slice(0, at), unescape(pair.slice(at + 1))];
  }));
  return { command: match[1]!, properties, message: unescape(match[3]!) };
}

describe('github', () => {
  it('annotates each finding: error for critical and high, warning for medium and low, then a summary line', () => {
    const input = reportInput();
    const lines = formatGithub(input, redacted).trimEnd().split('\n');
    const commands = lines.map(parseCommand);
    expect(commands.slice(0, 6).map((c) => c?.command)).toEqual(['error', 'error', 'error', 'error', 'warning', 'warning']);
    commands.slice(0, 6).forEach((command, i) => {
      const finding = input.findings[i]!;
      expect(command!.properties).toEqual({
        file: finding.file, line: String(finding.line), col: String(finding.column),
        endLine: String(finding.endLine), endColumn: String(finding.endColumn), title: finding.ruleId,
      });
      expect(command!.message).toContain(`${finding.description} (${finding.provider}, ${finding.severity}): ${finding.secret}`);
      expect(command!.message).toContain(`How to fix: ${finding.remediation}`);
    });
    expect(commands[2]!.message).toContain('Added in commit 3f2a9c1d5e7b by Dana Developer');
    expect(lines.at(-2)).toBe('keyhound: warning: shallow clone: commits before 2024-01-01 were not scanned');
    expect(lines.at(-1)).toBe(`keyhound: ✖ ${summaryLine(input.findings, input.stats)}`);
    expect(lines.at(-1)).toMatch(/^keyhound: ✖ 6 leaks found \(3 critical, 1 high, 1 medium, 1 low/);
  });

  it('says so when clean', () => {
    const input: ReportInput = { findings: [], stats: { files: 2, bytes: 5, rules: 1, findings: 0, durationMs: 4, skipped: {}, warnings: [] } };
    expect(formatGithub(input, redacted)).toBe(`keyhound: ✔ ${summaryLine([], input.stats)}\n`);
  });

  it('escapes data and properties the way GitHub unescapes them', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
  });

  it('lets no file name, rule text or suppressed finding start a command of its own', () => {
    const input = reportInputWithSuppressed();
    const evil = 'x.js\n::add-mask::nothing\r\n::set-output name=a::b';
    input.findings[0]!.file = `a,b:c%2C${evil}`;
    input.findings[1]!.remediation = `do this${evil}`;
    input.suppressed![0]!.file = evil;
    input.stats.warnings.push(`warned ${evil}`);
    const lines = formatGithub(input, redacted).trimEnd().split('\n');
    expect(lines).toHaveLength(input.findings.length + input.suppressed!.length + input.stats.warnings.length + 1);
    const commands = lines.map(parseCommand).filter(Boolean);
    expect(commands.map((c) => c!.command)).toEqual(['error', 'error', 'error', 'error', 'warning', 'warning']);
    expect(commands[0]!.properties.file).toBe(`a,b:c%2C${evil}`);
    expect(commands[1]!.message).toContain(`do this${evil}`);
    expect(lines.filter((line) => line.startsWith('keyhound: suppressed '))).toHaveLength(2);
  });
});
