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
  /** The column of each byte: one per character some keyword holds (upper case folded to lower), 0 for all others. */
  columns: Uint8Array;
  /** log2 of the row width (columns rounded up to a power of two). */
  shift: number;
  /** delta[(state << shift) | column] → next state. */
  delta: Uint16Array | Uint32Array;
  /** Keywords (ids) recognised on entering each state; empty for most states. */
  outputs: number[][];
  hasOutput: Uint8Array;
}

/**
 * Columns for the bytes keywords hold. Keywords use a few dozen characters, so a row
 * of the table has that many columns, not 256: the table a start-up builds (the
 * pre-commit hook's included) is several times smaller for one extra lookup per byte.
 */
function keywordColumns(keywords: readonly string[]): { columns: Uint8Array; shift: number } {
  const columns = new Uint8Array(256);
  let count = 1;
  for (const keyword of keywords) {
    for (let i = 0; i < keyword.length; i++) {
      const byte = keyword.charCodeAt(i) & 0xff;
      const lower = byte >= 65 && byte <= 90 ? byte + 32 : byte;
      if (columns[lower] === 0) columns[lower] = count++;
      if (lower >= 97 && lower <= 122) columns[lower - 32] = columns[lower]!;
      columns[byte] = columns[lower]!;
    }
  }
  let shift = 0;
  while (1 << shift < count) shift++;
  return { columns, shift };
}

function buildAutomaton(keywords: readonly string[]): Automaton {
  const { columns, shift } = keywordColumns(keywords);
  const width = 1 << shift;
  const capacity = keywords.reduce((sum, keyword) => sum + keyword.length, 1);
  const delta = capacity < 65536 ? new Uint16Array(capacity << shift) : new Uint32Array(capacity << shift);
  // The trie first, in the table itself (0: no child, as the root is nobody's child),
  // each state's children also chained in typed arrays: this runs at every start-up.
  const firstChild = new Uint32Array(capacity);
  const nextSibling = new Uint32Array(capacity);
  const columnOf = new Uint8Array(capacity);
  const own: Array<number[] | undefined> = [];
  let count = 1;
  for (let id = 0; id < keywords.length; id++) {
    const keyword = keywords[id]!;
    let state = 0;
    for (let i = 0; i < keyword.length; i++) {
      const column = columns[keyword.charCodeAt(i) & 0xff]!;
      let child = delta[(state << shift) | column]!;
      if (child === 0) {
        child = count++;
        delta[(state << shift) | column] = child;
        columnOf[child] = column;
        nextSibling[child] = firstChild[state]!;
        firstChild[state] = child;
      }
      state = child;
    }
    (own[state] ??= []).push(id);
  }
  const outputs: number[][] = Array.from({ length: count }, (_, state) => own[state] ?? NO_OUTPUT);
  const fail = new Uint32Array(count);
  // Breadth-first, so that a state's failure row is complete before it is copied: a
  // state's row is its failure state's row (one native copy) with its own children
  // written over it. The root's row keeps 0 (itself) where it has no child.
  const queue = new Uint32Array(count);
  let tail = 0;
  for (let child = firstChild[0]!; child !== 0; child = nextSibling[child]!) queue[tail++] = child;
  for (let head = 0; head < tail; head++) {
    const state = queue[head]!;
    const row = state << shift;
    const failRow = fail[state]! << shift;
    delta.copyWithin(row, failRow, failRow + width);
    for (let child = firstChild[state]!; child !== 0; child = nextSibling[child]!) {
      fail[child] = delta[failRow | columnOf[child]!]!;
      delta[row | columnOf[child]!] = child;
      queue[tail++] = child;
    }
    const inherited = outputs[fail[state]!]!;
    if (inherited.length) outputs[state] = [...outputs[state]!, ...inherited];
  }
  const hasOutput = new Uint8Array(count);
  for (let state = 0; state < count; state++) hasOutput[state] = outputs[state]!.length ? 1 : 0;
  return { columns, shift, delta, outputs, hasOutput };
}

const NO_OUTPUT: number[] = [];

/** Each keyword once, in the order the rules give them, with the rules (indices) it gates. */
function keywordsOf(rules: readonly Keyworded[]): { keywords: string[]; rulesOf: number[][] } {
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
  return { keywords: [...rulesByKeyword.keys()], rulesOf: [...rulesByKeyword.values()] };
}

/**
 * `prebuilt`: an automaton encoded by `encodePrefilter`, used when it was built for
 * exactly these keywords (else it is built here).
 */
export function buildPrefilter(rules: readonly Keyworded[], prebuilt?: Uint8Array): Prefilter {
  const { keywords, rulesOf } = keywordsOf(rules);
  const lengths = keywords.map((keyword) => keyword.length);
  const always = rules.flatMap((rule, index) => (rule.keywords.length === 0 ? [index] : []));
  const { columns, shift, delta, outputs, hasOutput } = (prebuilt && decodeAutomaton(prebuilt, keywords)) || buildAutomaton(keywords);

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
        state = delta[(state << shift) | columns[bytes[i]!]!]!;
        if (hasOutput[state]) record(candidates, state, i);
      }
      return candidates;
    },
    scanText(text) {
      const candidates = start(text.length);
      let state = 0;
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        state = delta[(state << shift) | (code < 128 ? columns[code]! : 0)]!;
        if (hasOutput[state]) record(candidates, state, i);
      }
      return candidates;
    },
  };
}

/*
 * The automaton as bytes, for the build to ship with the built-in rules
 * (dist/keywords.bin): building it takes a start-up about 10 ms for their 1,389
 * keywords, reading it back well under one. Layout: "KHA1", the header's length (uint32,
 * little-endian), the header (JSON: the keywords, the row shift, the states, the width
 * of a table entry, the states with outputs), padding to 4 bytes, the 256 columns, the
 * table of `states << shift` entries.
 */
const MAGIC = 'KHA1';

interface EncodedHeader {
  keywords: string[];
  shift: number;
  states: number;
  wide: boolean;
  /** [state, keyword ids…] for each state with outputs. */
  outputs: number[][];
}

/** The automaton `buildPrefilter(rules)` builds, encoded for `buildPrefilter(rules, prebuilt)`. */
export function encodePrefilter(rules: readonly Keyworded[]): Uint8Array {
  const { keywords } = keywordsOf(rules);
  const { columns, shift, delta, outputs } = buildAutomaton(keywords);
  const states = outputs.length;
  const header: EncodedHeader = {
    keywords,
    shift,
    states,
    wide: delta instanceof Uint32Array,
    outputs: outputs.flatMap((ids, state) => (ids.length ? [[state, ...ids]] : [])),
  };
  const json = Buffer.from(JSON.stringify(header));
  const start = align4(8 + json.length);
  const table = Buffer.from(delta.buffer, delta.byteOffset, (states << shift) * delta.BYTES_PER_ELEMENT);
  const bytes = Buffer.alloc(start + columns.length + table.length);
  bytes.write(MAGIC, 0, 'latin1');
  bytes.writeUInt32LE(json.length, 4);
  json.copy(bytes, 8);
  bytes.set(columns, start);
  table.copy(bytes, start + columns.length);
  return bytes;
}

/** The automaton in `bytes`, or undefined when they were not encoded for these keywords. */
function decodeAutomaton(bytes: Uint8Array, keywords: readonly string[]): Automaton | undefined {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (data.length < 8 || data.toString('latin1', 0, 4) !== MAGIC) return undefined;
  const length = data.readUInt32LE(4);
  const header = JSON.parse(data.toString('utf8', 8, 8 + length)) as EncodedHeader;
  if (header.keywords.length !== keywords.length || header.keywords.some((keyword, i) => keyword !== keywords[i])) return undefined;
  const start = align4(8 + length);
  const columns = new Uint8Array(data.subarray(start, start + 256));
  const entries = header.states << header.shift;
  const tableStart = data.byteOffset + start + 256;
  const width = header.wide ? 4 : 2;
  // A typed array over the bytes needs their offset aligned; else the table is copied.
  const table = tableStart % width === 0 ? data.buffer : data.buffer.slice(tableStart, tableStart + entries * width);
  const offset = tableStart % width === 0 ? tableStart : 0;
  const delta = header.wide ? new Uint32Array(table, offset, entries) : new Uint16Array(table, offset, entries);
  const outputs: number[][] = new Array<number[]>(header.states).fill(NO_OUTPUT);
  const hasOutput = new Uint8Array(header.states);
  for (const [state, ...ids] of header.outputs) {
    outputs[state!] = ids;
    hasOutput[state!] = 1;
  }
  return { columns, shift: header.shift, delta, outputs, hasOutput };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
