/** The README and docs/*.md as one text, for tests that run the recipes they show. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export function readmeAndDocs(): string {
  const docs = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).sort();
  return [join(ROOT, 'README.md'), ...docs.map((name) => join(ROOT, 'docs', name))].map((file) => readFileSync(file, 'utf8')).join('\n');
}
