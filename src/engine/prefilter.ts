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
  const children: Array<Map<number, number>> = [new Map()];
  const own: number[][] = [[]];
  keywords.forEach((keyword, id) => {
    let state = 0;
    for (let i = 0; i < keyword.length; i++) {
      const byte = keyword.charCodeAt(i) & 0xff;
      let next = children[state]!.get(byte);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        own.push([]);
        children[state]!.set(byte, next);
      }
      state = next;
    }
    own[state]!.push(id);
  });
  const count = children.length;
  const delta = count < 65536 ? new Uint16Array(count * 256) : new Uint32Array(count * 256);
  const fail = new Uint32Array(count);
  const outputs: number[][] = own.map((ids) => [...ids]);
  // Breadth-first, so every state's failure state is complete before it is used.
  const queue: number[] = [];
  for (const [byte, next] of children[0]!) {
    delta[byte] = next;
    queue.push(next);
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    outputs[state]!.push(...outputs[fail[state]!]!);
    for (let byte = 0; byte < 256; byte++) {
      const next = children[state]!.get(byte);
      if (next === undefined) {
        delta[state * 256 + byte] = delta[fail[state]! * 256 + byte]!;
      } else {
        fail[next] = delta[fail[state]! * 256 + byte]!;
        delta[state * 256 + byte] = next;
        queue.push(next);
      }
    }
  }
  // Case folding: an upper-case letter behaves as its lower-case twin.
  for (let state = 0; state < count; state++) {
    for (let upper = 65; upper <= 90; upper++) delta[state * 256 + upper] = delta[state * 256 + upper + 32]!;
  }
  return { delta, outputs, hasOutput: Uint8Array.from(outputs, (ids) => (ids.length ? 1 : 0)) };
}

export function buildPrefilter(rules: readonly Keyworded[]): Prefilter {
  const keywords = [...new Set(rules.flatMap((rule) => rule.keywords))];
  const rulesOf = keywords.map((keyword) => rules.flatMap((rule, index) => (rule.keywords.includes(keyword) ? [index] : [])));
  const lengths = keywords.map((keyword) => keyword.length);
  const always = rules.flatMap((rule, index) => (rule.keywords.length === 0 ? [index] : []));
  const { delta, outputs, hasOutput } = buildAutomaton(keywords);

  function start(): Candidates {
    const candidates: Candidates = new Map();
    for (const index of always) candidates.set(index, null);
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
      const candidates = start();
      let state = 0;
      for (let i = 0; i < bytes.length; i++) {
        state = delta[(state << 8) | bytes[i]!]!;
        if (hasOutput[state]) record(candidates, state, i);
      }
      return candidates;
    },
    scanText(text) {
      const candidates = start();
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
