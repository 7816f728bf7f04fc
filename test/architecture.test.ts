/**
 * The import direction of docs/modules.md, checked on the real sources: each module of
 * src/ imports only modules of lower layers (never its own layer's neighbours, never
 * upwards), so there can be no import cycle between modules, and every module is on the map.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

/**
 * The layers, read from docs/modules.md's `layers` block (top first, one layer a line),
 * so that the map and this check cannot disagree.
 */
function layersOfTheMap(): string[][] {
  const map = readFileSync(join(dirname(SRC), 'docs', 'modules.md'), 'utf8');
  const block = /```layers\n([^`]*)```/.exec(map)?.[1] ?? '';
  return block.split('\n').map((line) => line.split(/\s+/).filter(Boolean)).filter((layer) => layer.length > 0).reverse();
}

const LAYERS = layersOfTheMap();

/** Every relative import specifier of a source text: static, re-exported and dynamic. */
function importSpecifiers(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)].map((match) => match[1]!);
}

function moduleOf(file: string): string {
  const [top = ''] = file.split('/');
  return file.includes('/') ? top : top.replace(/\.ts$/, '');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Each import between two modules of src/: `file` (relative to src/) imports module `to`. */
function moduleImports(): { file: string; from: string; to: string }[] {
  return sourceFiles(SRC).flatMap((path) => {
    const file = relative(SRC, path).split('\\').join('/');
    return importSpecifiers(readFileSync(path, 'utf8'))
      .map((specifier) => ({ file, from: moduleOf(file), to: moduleOf(posix.normalize(posix.join(posix.dirname(file), specifier))) }))
      .filter(({ from, to }) => from !== to);
  });
}

const layerOf = (module: string) => LAYERS.findIndex((layer) => layer.includes(module));

describe('module layers', () => {
  it('reads every kind of import specifier', () => {
    const text = [
      "import { a } from '../engine/detect.js';",
      "import type { B } from './types.js';",
      "export { c } from '../rules/self-test.js';",
      "const d = await import('../scan/pool.js');",
      "import '../side-effect.js';",
      "import { e } from 'node:fs';",
    ].join('\n');
    expect(importSpecifiers(text)).toEqual(['../engine/detect.js', './types.js', '../rules/self-test.js', '../scan/pool.js', '../side-effect.js']);
  });

  it('places every module of src/ in a layer of the map, and nothing else', () => {
    const modules = new Set(sourceFiles(SRC).map((path) => moduleOf(relative(SRC, path).split('\\').join('/'))));
    expect([...modules].filter((module) => layerOf(module) === -1)).toEqual([]);
    expect(LAYERS.flat().filter((module) => !modules.has(module))).toEqual([]);
  });

  it('imports only downwards: no import cycle between modules', () => {
    const imports = moduleImports();
    expect(imports.length).toBeGreaterThan(100);
    const wrong = imports.filter(({ from, to }) => layerOf(to) >= layerOf(from)).map(({ file, to }) => `${file} imports ${to}`);
    expect([...new Set(wrong)]).toEqual([]);
  });
});

describe('one path from every source to a finding', () => {
  it('findings are made in one place (placeFindings), whatever the source', () => {
    const callers = sourceFiles(SRC)
      .filter((path) => /\bmakeFinding\(/.test(readFileSync(path, 'utf8').replace(/export function makeFinding\(/, '')))
      .map((path) => relative(SRC, path).split('\\').join('/'));
    expect(callers).toEqual(['scan/file-findings.ts']);
  });

  it('every mode feeds the one scan loop: only the loop runs the detector on text, places findings or judges a patch', () => {
    const callers = (pattern: RegExp) => sourceFiles(SRC)
      .filter((path) => pattern.test(readFileSync(path, 'utf8')))
      .map((path) => relative(SRC, path).split('\\').join('/'))
      .sort();
    // diff-scan.ts is the loop's judge of patches; scan-contents.ts and scan-file.ts run
    // the detector inside a file (on worker threads too) and return plain data to the loop.
    expect(callers(/\bplaceFindings\(/)).toEqual(['scan/diff-scan.ts', 'scan/file-findings.ts', 'scan/scan-loop.ts']);
    expect(callers(/new DiffScanner\(/)).toEqual(['scan/scan-loop.ts']);
    expect(callers(/\.detect(?:Bytes)?\(/).filter((file) => file.startsWith('scan/'))).toEqual(['scan/diff-scan.ts', 'scan/scan-contents.ts', 'scan/scan-file.ts', 'scan/scan-loop.ts']);
    const modes = ['scan/scan.ts', 'scan/staged.ts', 'scan/history.ts', 'scan/text-scan.ts'];
    expect(modes.filter((file) => !/new ScanLoop\(/.test(readFileSync(join(SRC, file), 'utf8')))).toEqual([]);
  });
});

describe('imports between files', () => {
  it('form no cycle, inside a module either (type-only imports aside: they vanish at run time)', () => {
    const files = sourceFiles(SRC).map((file) => relative(SRC, file).split('\\').join('/'));
    const runtimeImports = new Map(files.map((file) => {
      const text = readFileSync(join(SRC, file), 'utf8');
      const specifiers = [...text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s*'(\.{1,2}\/[^']+)'/gms)].map((match) => match[1]!);
      return [file, specifiers.map((specifier) => posix.join(posix.dirname(file), specifier).replace(/\.js$/, '.ts'))];
    }));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') return void cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
      state.set(file, 'open');
      for (const next of runtimeImports.get(file) ?? []) if (runtimeImports.has(next)) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
