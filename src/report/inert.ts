/**
 * Scanned repositories choose file names, file content, commit messages and author
 * names: printed as they are, they could drive the reader's terminal (colours, cursor
 * moves, OSC 52 clipboard writes, hyperlinks) or a CI log (GitHub's workflow commands:
 * `::name::` at the start of a line, `##[name]` anywhere in it). Everything here makes
 * such text inert and keeps it readable.
 */

/**
 * Characters that drive a terminal or reorder what is shown: C0 controls but tab and
 * line breaks, DEL, C1 controls (U+009B is a one-character CSI), and the bidirectional
 * controls that show text in another order than it is (Trojan Source).
 */
export const DRIVING = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Line breaks, including the two Unicode ones some viewers break lines at. */
const LINE_BREAKS = /[\n\r\u2028\u2029]/g;
/** GitHub's old workflow-command syntax, read anywhere in a line of the log. */
const OLD_COMMAND = /##\[/g;
/** GitHub's workflow-command syntax, read at the start of a line (after blanks). */
const COMMAND_AT_LINE_START = /^([ \t]*)::/gm;

/** `\x1b`, `\n`, `\u202e`: how an escaped character is shown. */
function visible(char: string): string {
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Terminal controls escaped and `##[` defused, line breaks kept: for GitHub's workflow
 * commands, which carry line breaks as %0A, so that none of their text starts a line.
 */
export function inertInCommand(text: string): string {
  return text.replace(DRIVING, visible).replace(OLD_COMMAND, '##\\[');
}

/**
 * Kept line breaks, but no line of the text can start a workflow command: for CSV's
 * quoted fields and HTML, which show line breaks as they are.
 */
export function inertKeepingLines(text: string): string {
  return inertInCommand(text).replace(COMMAND_AT_LINE_START, '$1\\::');
}

/**
 * One value from scanned content, safe anywhere on a line of a terminal or a CI log:
 * control characters and line breaks shown as escapes, workflow commands defused.
 */
export function inert(text: string): string {
  return inertKeepingLines(text.replace(LINE_BREAKS, visible));
}

/**
 * JSON as JSON.stringify wrote it, with what it leaves raw that could drive a terminal
 * (DEL, C1 and bidirectional controls, U+2028/2029) and `##[` written as `\u` escapes:
 * the same data for a JSON reader, inert bytes for a terminal or a CI log.
 */
export function inertJson(json: string): string {
  const escape = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return json.replace(DRIVING, escape).replace(/[\u2028\u2029]/g, escape).replace(OLD_COMMAND, '##\\u005b');
}
