// npm runs `prepare` after `npm install` in a checkout, before `npm pack`, and when it
// installs keyhound from git. It builds dist/ when the build's tools (the
// devDependencies) are installed. Where they are not (`npm install -g git+…`, as the
// pre-commit framework runs it, prepares the checkout without any dependencies),
// nothing is built: bin/keyhound.js then runs the committed bundle/keyhound.mjs.
const optional = (name) => import(name).catch(() => undefined);

if (await optional('esbuild')) await import('./build.mjs');

// keyhound's own pre-commit hook, in a developer's checkout.
const husky = await optional('husky');
if (husky) process.stdout.write(husky.default());
