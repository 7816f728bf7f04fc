/**
 * Rule ids that name no rule. A typo in the config's `disable` or `ruleAllowlists`, or
 * in a `keyhound:allow <id>` comment, silently does nothing; these warnings say where.
 */
import type { ConfigSpec } from '../config/config.js';
import { inlineAllowIds } from '../engine/line-suppressions.js';
import { shortSha, type Finding } from '../findings/finding.js';

import { maskSecretLike } from '../findings/redact.js';

/** Config entries naming no rule. `file` is the config file as shown to the user. */
export function unknownConfigRuleIds(file: string, spec: Pick<ConfigSpec, 'disable' | 'ruleAllowlists'>, known: ReadonlySet<string>): string[] {
  // An id that looks like a key (one pasted in the wrong place) is masked like a shown line.
  const unknown = (field: string, ids: string[]) => ids.filter((id) => !known.has(id)).map((id) => `${file}: ${field}: no rule has the id ${maskSecretLike(id)} (see keyhound rules list)`);
  return [...unknown('disable', spec.disable ?? []), ...unknown('ruleAllowlists', Object.keys(spec.ruleAllowlists ?? {}))];
}

/**
 * Reported findings whose line has a `keyhound:allow <id>` naming no rule: the comment
 * meant to suppress them and did not. (The id is from the redacted line the report shows.)
 */
export function unknownInlineRuleIds(
  findings: ReadonlyArray<Pick<Finding, 'ruleId' | 'file' | 'line' | 'lineText' | 'commit'>>,
  known: ReadonlySet<string>,
): string[] {
  const warnings = new Set<string>();
  for (const finding of findings) {
    const where = `${finding.commit ? `${shortSha(finding.commit.sha)}:` : ''}${finding.file}:${finding.line}`;
    for (const id of inlineAllowIds(finding.lineText)) {
      if (!known.has(id)) warnings.add(`${where}: keyhound:allow ${id}: no rule has this id, so the ${finding.ruleId} finding is still reported`);
    }
  }
  return [...warnings];
}
