// npm runs `prepare` after `npm install` in a checkout, before `npm pack`, and when it
// installs keyhound from git (as the pre-commit framework does). It builds dist/ when
// the build's tools (the devDependencies) are installed. `npm install -g git+…`
// (pre-commit 4) prepares the checkout without any dependencies: then a dist/ that is
// there (committed in a release) is used as it is, and without one npm stops with one line.
import { existsSync } from 'node:fs';

const optional = (name) => import(name).catch(() => undefined);

if (await optional('esbuild')) await import('./build.mjs');
else if (!existsSync('dist/cli.js')) {
  console.error('keyhound: cannot build dist/ here: its devDependencies are not installed (run npm install in a checkout of keyhound, or install a release)');
  process.exit(1);
}

// keyhound's own pre-commit hook, in a developer's checkout.
const husky = await optional('husky');
if (husky) process.stdout.write(husky.default());
