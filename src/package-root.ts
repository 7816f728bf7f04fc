/** Locates files that ship with the package (rules/, schema/, dist/), from source or from the bundle. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'rules'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('keyhound: cannot find its package directory');
    dir = parent;
  }
  root = dir;
  return dir;
}

export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
