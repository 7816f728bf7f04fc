// esbuild plugins that take two costs of yargs off every start of the bundled CLI
// (scripts/build.mjs, scripts/bundle.mjs). Measured with a CPU profile of a cached
// `keyhound history` rescan: 23 ms and 26 ms of its 320 ms.
import { readFileSync } from 'node:fs';
import { basename, dirname, relative } from 'node:path';

/**
 * string-width builds an Intl.Segmenter and a /^\p{RGI_Emoji}$/v regex as it loads
 * (9–12 ms and 13 ms), but keyhound calls it only to lay out `--help`. Every import of
 * it gets a stand-in that loads the real module on its first call.
 */
export const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === 'real') return undefined;
      const real = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'real' });
      if (real.errors.length > 0) return { errors: real.errors };
      // Named by a relative path: the committed bundle must not depend on where it was built.
      return { path: relative(process.cwd(), real.path), namespace: 'lazy-string-width', pluginData: real.path };
    });
    build.onLoad({ filter: /./, namespace: 'lazy-string-width' }, (args) => ({
      contents: [
        'let real;',
        'export default function stringWidth(text, options) {',
        `  real ??= require(${JSON.stringify(`./${basename(args.pluginData)}`)}).default;`,
        '  return real(text, options);',
        '}',
      ].join('\n'),
      resolveDir: dirname(args.pluginData),
      loader: 'js',
    }));
  },
};

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
