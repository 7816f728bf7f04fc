/**
 * Keyword prefilter: one pass over the text finds every occurrence of every rule
 * keyword (case-insensitive), with an Aho-Corasick automaton compiled to a table.
 * Most text matches no keyword and costs this one pass; the rules whose keywords
 * occur run only near those occurrences (see windows.ts).
 *
 * It runs on raw bytes too, so a file without any keyword is never even decoded.
 * Keywords are ASCII; any other character simply matches none of them.
 */
/** Anything gated by keywords: a rule, or a decoder. */
export interface Keyworded {
  keywords: readonly string[];
  /** A rule without keywords runs on every text, or only on texts up to this long. */
  maxTextLength?: number;
}

/** For each candidate (index into the list given): where its keywords start, or `null` for "the whole text". */
export type Candidates = Map<number, number[] | null>;

export interface Prefilter {
  scanText(text: string): Candidates;
  scanBytes(bytes: Uint8Array): Candidates;
}

/** Past this many keyword hits for one rule, windows stop paying: scan the whole text. */
const MAX_HITS_PER_RULE = 2000;

interface Automaton {
  /** delta[state * 256 + byte] → next state; upper-case letters fold to lower case. */
  delta: Uint16Array | Uint32Array;
  /** Keywords (ids) recognised on entering each state; empty for most states. */
  outputs: number[][];
  hasOutput: Uint8Array;
}

function buildAutomaton(keywords: readonly string[]): Automaton {
  // This runs at every start-up, the pre-commit hook's included: each state's row is
  // filled with one native copy of its failure state's row, not 256 JavaScript steps.
  const capacity = keywords.reduce((sum, keyword) => sum + keyword.length, 1);
  const delta = capacity < 65536 ? new Uint16Array(capacity * 256) : new Uint32Array(capacity * 256);
  const outputs: number[][] = [[]];
  /** Each state's trie children, as [byte, child] pairs. */
  const children: Array<Array<[number, number]>> = [[]];
  keywords.forEach((keyword, id) => {
    let state = 0;
    for (let i = 0; i < keyword.length; i++) {
      const byte = keyword.charCodeAt(i) & 0xff;
      let next = children[state]!.find(([b]) => b === byte)?.[1];
      if (next === undefined) {
        next = outputs.length;
        outputs.push([]);
        children.push([]);
        children[state]!.push([byte, next]);
      }
      state = next;
    }
    outputs[state]!.push(id);
  });
  const count = outputs.length;
  const fail = new Uint32Array(count);
  const queue: number[] = [];
  // The root's row: its children, 0 (itself) elsewhere.
  for (const [byte, child] of children[0]!) {
    delta[byte] = child;
    queue.push(child);
  }
  // Breadth-first, so a state's failure row is complete before it is copied.
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    const failRow = fail[state]! * 256;
    delta.copyWithin(state * 256, failRow, failRow + 256);
    for (const [byte, child] of children[state]!) {
      fail[child] = delta[failRow + byte]!;
      delta[state * 256 + byte] = child;
      queue.push(child);
    }
    const inherited = outputs[fail[state]!]!;
    if (inherited.length) outputs[state] = [...outputs[state]!, ...inherited];
  }
  // Case folding: an upper-case letter behaves as its lower-case twin.
  for (let state = 0; state < count; state++) {
    const row = state * 256;
    delta.copyWithin(row + 65, row + 97, row + 123);
  }
  const hasOutput = new Uint8Array(count);
  for (let state = 0; state < count; state++) hasOutput[state] = outputs[state]!.length ? 1 : 0;
  return { delta, outputs, hasOutput };
}

export function buildPrefilter(rules: readonly Keyworded[]): Prefilter {
  // One pass: keyword → the rules it gates (start-up cost matters for the hook).
  const rulesByKeyword = new Map<string, number[]>();
  rules.forEach((rule, index) => {
    for (const keyword of rule.keywords) {
      const list = rulesByKeyword.get(keyword);
      if (list) {
        if (list[list.length - 1] !== index) list.push(index);
      } else rulesByKeyword.set(keyword, [index]);
    }
  });
  const keywords = [...rulesByKeyword.keys()];
  const rulesOf = [...rulesByKeyword.values()];
  const lengths = keywords.map((keyword) => keyword.length);
  const always = rules.flatMap((rule, index) => (rule.keywords.length === 0 ? [index] : []));
  const { delta, outputs, hasOutput } = buildAutomaton(keywords);

  function start(length: number): Candidates {
    const candidates: Candidates = new Map();
    for (const index of always) if (length <= (rules[index]!.maxTextLength ?? Infinity)) candidates.set(index, null);
    return candidates;
  }

  function record(candidates: Candidates, state: number, end: number): void {
    for (const id of outputs[state]!) {
      const at = end - lengths[id]! + 1;
      for (const index of rulesOf[id]!) {
        const hits = candidates.get(index);
        if (hits === undefined) candidates.set(index, [at]);
        else if (hits !== null) {
          if (hits.length >= MAX_HITS_PER_RULE) candidates.set(index, null);
          else hits.push(at);
        }
      }
    }
  }

  return {
    scanBytes(bytes) {
      const candidates = start(bytes.length);
      let state = 0;
      for (let i = 0; i < bytes.length; i++) {
        state = delta[(state << 8) | bytes[i]!]!;
        if (hasOutput[state]) record(candidates, state, i);
      }
      return candidates;
    },
    scanText(text) {
      const candidates = start(text.length);
      let state = 0;
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        state = delta[(state << 8) | (code < 128 ? code : 0)]!;
        if (hasOutput[state]) record(candidates, state, i);
      }
      return candidates;
    },
  };
}
