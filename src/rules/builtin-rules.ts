/**
 * The built-in rules. The build precompiles rules/*.yaml into dist/rules.json (no YAML
 * parser at start-up, no examples, patterns expanded), their ids into
 * dist/rule-ids.json and each rule's gate and place in rules.json into
 * dist/rule-gates.json, which only the bundle reads; running from source reads the YAML
 * itself, through a cache keyed by its contents (rules-cache.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { sha256 } from '../builtins.js';
import { BUNDLED } from '../bundled.js';
import type { RuleFileSpec, RuleSpec } from '../engine/types.js';
import { packagePath } from '../package-root.js';
import { expandRuleFile } from './pieces.js';
import { parsedRuleFiles } from './rules-cache.js';

export function builtinRuleFilePaths(): string[] {
  const dir = packagePath('rules');
  return readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort().map((name) => `${dir}/${name}`);
}

export async function builtinRuleFiles(): Promise<RuleFileSpec[]> {
  if (BUNDLED) return bundledRuleFiles();
  const paths = builtinRuleFilePaths();
  return (await parsedRuleFiles(paths)).map((file, i) => expandRuleFile(file, paths[i]!));
}

/** The built-in rules' ids, and the rules themselves, read on first use. */
export interface BuiltinRules {
  ids: readonly string[];
  files(): RuleFileSpec[];
  /** Their prefilter, encoded by the build (dist/keywords.bin); none from source. */
  keywords(): Uint8Array | undefined;
  /** A SHA-256 of the rules as scanned with, for the history cache's key: cheaper than hashing the parsed rules. */
  digest(): string;
}

/**
 * What a scan knows of the built-in rules before it compiles them. A pre-commit hook
 * with nothing staged needs only the ids (to count the rules and check the config's
 * rule ids): the bundle then reads a small list, not every rule (about 10 ms).
 */
export async function builtinRules(): Promise<BuiltinRules> {
  if (BUNDLED) {
    let files: RuleFileSpec[] | undefined;
    return {
      ids: JSON.parse(readFileSync(packagePath('dist', 'rule-ids.json'), 'utf8')) as string[],
      files: () => (files ??= bundledRuleFiles()),
      keywords: bundledKeywords,
      digest: () => sha256(readFileSync(packagePath('dist', 'rules.json'))),
    };
  }
  const files = await builtinRuleFiles();
  return {
    ids: files.flatMap((file) => file.rules.map((rule) => rule.id)),
    files: () => files,
    keywords: () => undefined,
    digest: () => sha256(JSON.stringify(files)),
  };
}

/** The build's encoded prefilter; without it, the scan builds its own. */
function bundledKeywords(): Uint8Array | undefined {
  try {
    return readFileSync(packagePath('dist', 'keywords.bin'));
  } catch {
    return undefined;
  }
}

/** The build's rules, their patterns expanded already, each parsed when first read past its gate (scripts/build.mjs). */
function bundledRuleFiles(): RuleFileSpec[] {
  const gates = JSON.parse(readFileSync(packagePath('dist', 'rule-gates.json'), 'utf8')) as GatedRuleFile[];
  return gatedRuleFiles(readFileSync(packagePath('dist', 'rules.json')), gates);
}

/** A byte range of dist/rules.json. */
type Range = [number, number];

/** dist/rule-gates.json: each built-in rule file, its remediation's place, and each rule's gate and place. */
export interface GatedRuleFile extends Omit<RuleFileSpec, 'remediation' | 'rules'> {
  remediation: Range;
  rules: Array<Pick<RuleSpec, GateKey> & { at: Range }>;
}

/** What a scan reads of every rule before it compiles any (ruleGate in rule-files.ts). */
type GateKey = 'id' | 'keywords' | 'lines' | 'maxTextLength';

/** The other keys of a rule spec: read from its JSON when first asked for. */
const PARSED_LATE = [
  'description', 'severity', 'pattern', 'caseInsensitive', 'entropy', 'span', 'check', 'generic', 'pairsWith', 'pairLines',
  'informs', 'informative', 'placeholders', 'allowlist', 'category', 'references', 'verify', 'examples', 'negatives',
] as const;
// A key added to RuleSpec and to neither list would read as undefined: it does not compile.
type Unlisted = Exclude<keyof RuleSpec, GateKey | (typeof PARSED_LATE)[number]>;
const everyKeyListed: [Unlisted] extends [never] ? true : never = true;
void everyKeyListed;

/**
 * A rule spec whose gate is there at once and the rest parsed from dist/rules.json when
 * first read: a pre-commit hook compiles a handful of 801 rules, and parsing them all
 * took it 4–5 ms. Its own properties are the gate alone: JSON.stringify (toJSON) gives
 * it whole, and a structured clone (a worker's data) would not.
 */
class LateRuleSpec {
  readonly #parse: () => RuleSpec;
  #parsed: RuleSpec | undefined;

  constructor(gate: Pick<RuleSpec, GateKey>, parse: () => RuleSpec) {
    Object.assign(this, gate);
    this.#parse = parse;
  }

  whole(): RuleSpec {
    return (this.#parsed ??= this.#parse());
  }

  toJSON(): RuleSpec {
    return this.whole();
  }
}
for (const key of PARSED_LATE) {
  Object.defineProperty(LateRuleSpec.prototype, key, {
    get(this: LateRuleSpec) {
      return this.whole()[key];
    },
  });
}

/** The rule files of dist/rules.json (`json`, its bytes) from their gates, each part parsed when first read. */
export function gatedRuleFiles(json: Buffer, gates: readonly GatedRuleFile[]): RuleFileSpec[] {
  const parse = <T>([start, end]: Range): T => JSON.parse(json.toString('utf8', start, end)) as T;
  return gates.map(({ remediation: remediationAt, rules, ...file }) => {
    let remediation: string | undefined;
    return {
      ...file,
      get remediation() {
        return (remediation ??= parse<string>(remediationAt));
      },
      rules: rules.map(({ at, ...gate }) => new LateRuleSpec(gate, () => parse<RuleSpec>(at)) as unknown as RuleSpec),
    };
  });
}
