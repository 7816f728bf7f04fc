/**
 * yargs' messages about a bad command line, in keyhound's form: one line, naming the
 * option as it is typed. yargs spreads a bad choice over several lines, names an
 * option without its dashes, and lists an unknown `--bad-opt` twice.
 */
import { oneLine } from './failure.js';

/** `f` → `-f`, `format` → `--format`. */
function optionName(key: string): string {
  return key.length === 1 ? `-${key}` : `--${key}`;
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

export function usageError(message: string): string {
  const missing = /^Not enough arguments following: (\S+)$/.exec(message);
  if (missing) return `${optionName(missing[1]!)}: needs a value`;
  const badChoices = [...message.matchAll(/^\s*Argument: (\S+), Given: (.*), Choices: (.*)$/gm)];
  if (badChoices.length) {
    return badChoices.map(([, key, given, choices]) => `${optionName(key!)}: ${given} is not one of ${choices!.replace(/"/g, '')}`).join('; ');
  }
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
  if (unknown) {
    // yargs lists `--bad-opt` twice, as bad-opt and badOpt.
    const names = unknown[1]!.split(', ');
    const typed = names.filter((name) => !names.some((other) => other !== name && camelCase(other) === name));
    return `Unknown argument${typed.length > 1 ? 's' : ''}: ${typed.join(', ')}`;
  }
  return oneLine(message);
}
