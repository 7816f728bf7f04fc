/** Maps offsets in a text to 1-based line and column numbers. */
export class LineIndex {
  private starts: number[] | undefined;

  constructor(private readonly text: string) {}

  /** Offsets where each line starts; built on first use, since most texts have no finding. */
  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    const starts = [0];
    let at = this.text.indexOf('\n');
    while (at !== -1) {
      starts.push(at + 1);
      at = this.text.indexOf('\n', at + 1);
    }
    this.starts = starts;
    return starts;
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    const starts = this.lineStarts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1 };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const starts = this.lineStarts();
    const start = starts[line - 1] ?? this.text.length;
    const next = starts[line];
    let end = next === undefined ? this.text.length : next - 1;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end -= 1;
    return this.text.slice(start, end);
  }
}
