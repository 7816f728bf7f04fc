/** The registry of report formats. */
import { formatJson } from './json.js';
import { formatText } from './text.js';
import type { Formatter } from './types.js';

export const FORMATTERS = {
  text: formatText,
  json: formatJson,
} satisfies Record<string, Formatter>;

export type FormatName = keyof typeof FORMATTERS;
export const FORMAT_NAMES = Object.keys(FORMATTERS) as FormatName[];
