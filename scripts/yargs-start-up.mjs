// esbuild plugins that take costs of yargs off every start of the bundled CLI
// (scripts/build.mjs, scripts/bundle.mjs). Measured with CPU profiles of a cached
// `keyhound history` rescan: 23 ms and 26 ms of its 320 ms, then 2.5 ms of 78 ms.
import { readFileSync } from 'node:fs';
import { basename, dirname, relative } from 'node:path';

/**
 * Each import of package `name` gets a stand-in for its default export, a function, that
 * loads the package on its first call.
 */
function lazyDefaultFunction(name) {
  const namespace = `lazy-${name}`;
  return {
    name: namespace,
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${name}$`) }, async (args) => {
        if (args.pluginData === 'real') return undefined;
        const real = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'real' });
        if (real.errors.length > 0) return { errors: real.errors };
        // Named by a relative path: the committed bundle must not depend on where it was built.
        return { path: relative(process.cwd(), real.path), namespace, pluginData: real.path };
      });
      build.onLoad({ filter: /./, namespace }, (args) => ({
        contents: [
          'let real;',
          'export default function lazy(...args) {',
          `  real ??= require(${JSON.stringify(`./${basename(args.pluginData)}`)}).default;`,
          '  return real(...args);',
          '}',
        ].join('\n'),
        resolveDir: dirname(args.pluginData),
        loader: 'js',
      }));
    },
  };
}

/**
 * string-width builds an Intl.Segmenter and a /^\p{RGI_Emoji}$/v regex as it loads
 * (9–12 ms and 13 ms), and cliui (with wrap-ansi and ansi-styles) takes 2.5 ms more, but
 * keyhound calls them only to lay out `--help`.
 */
export const lazyStringWidth = lazyDefaultFunction('string-width');
export const lazyCliui = lazyDefaultFunction('cliui');

/**
 * yargs guesses a version at every start by reading the package.json nearest its own
 * file; bundled, that file has no node_modules/ in its path, and yargs then lists every
 * directory from the working directory up to / (26 ms under a /tmp of 35,000 entries).
 * Pointed at keyhound's own package.json (the bundle sits one directory below it), it
 * lists one directory.
 */
export const yargsFindsItsRoot = {
  name: 'yargs-finds-its-root',
  setup(build) {
    build.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const guess = "const mainFilename = __dirname.substring(0, __dirname.lastIndexOf('node_modules'));";
      // A yargs that changed this line is checked again, not patched blindly.
      if (!source.includes(guess)) throw new Error(`${args.path}: yargs changed how it finds its package.json; check scripts/yargs-start-up.mjs`);
      // A file, not the directory: yargs takes the directory of anything with an extension,
      // and a checkout in /tmp/tmp.x9Q2 would be read as the file tmp.x9Q2 in /tmp.
      return { contents: source.replace(guess, "const mainFilename = resolve(__dirname, '..', '..', 'package.json');"), loader: 'js' };
    });
  },
};
