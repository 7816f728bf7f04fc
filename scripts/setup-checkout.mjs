// After `npm install` (or `npm ci`) in a checkout of keyhound: builds dist/ and sets up
// keyhound's own pre-commit hook. It is package.json's `dependencies` script, which npm
// runs for the project being installed only, when its node_modules changed: never when
// keyhound is installed as a package. No `prepare` or `build` script may do this: npm
// then "prepares" a git install (npm i -g git+…) by running npm install inside it, which
// in global mode links the package to a temporary clone that npm then deletes
// (npm/cli#6984). A git install runs the committed bundle/keyhound.mjs instead.
const optional = (name) => import(name).catch(() => undefined);

if (await optional('esbuild')) await import('./build.mjs');

const husky = await optional('husky');
if (husky) process.stdout.write(husky.default());
