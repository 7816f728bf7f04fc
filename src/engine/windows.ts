/**
 * The regions of a text a rule needs to look at: around each occurrence of one of
 * its keywords, `span` characters either way, widened to whole lines (so a pattern's
 * boundaries see what they would in the whole text), overlaps merged.
 */

export type Region = readonly [start: number, end: number];

/** However long a line, a region grows by at most this much to reach the line's ends. */
const MAX_LINE_WIDENING = 4096;

/** `slack`: a keyword may sit up to this many characters before its offset (see detectBytes). */
export function regionsAround(text: string, offsets: readonly number[] | null, span: number, slack = 0): Region[] {
  const length = text.length;
  if (offsets === null || offsets.length === 0) return [[0, length]];
  const sorted = [...offsets].sort((a, b) => a - b);
  const regions: Array<[number, number]> = [];
  let covered = 0;
  for (const offset of sorted) {
    let start = Math.max(0, offset - span - slack);
    let end = Math.min(length, offset + span);
    const previous = regions[regions.length - 1];
    if (previous && start <= previous[1]) {
      if (end > previous[1]) {
        const widened = widenEnd(text, end);
        covered += widened - previous[1];
        previous[1] = widened;
      }
      continue;
    }
    start = widenStart(text, start);
    end = widenEnd(text, end);
    if (previous && start <= previous[1]) {
      covered += Math.max(0, end - previous[1]);
      previous[1] = Math.max(previous[1], end);
      continue;
    }
    regions.push([start, end]);
    covered += end - start;
  }
  // Mostly covered anyway: one pass over the whole text is cheaper than many slices.
  return covered > length / 2 ? [[0, length]] : regions;
}

// Both look for the line break only within MAX_LINE_WIDENING characters, so a 5 MB
// minified line costs no more than a short one.
function widenStart(text: string, start: number): number {
  const from = Math.max(0, start - MAX_LINE_WIDENING);
  const newline = text.slice(from, start).lastIndexOf('\n');
  return newline === -1 ? from : from + newline + 1;
}

function widenEnd(text: string, end: number): number {
  const to = Math.min(text.length, end + MAX_LINE_WIDENING);
  const newline = text.slice(end, to).indexOf('\n');
  return newline === -1 ? to : end + newline;
}
