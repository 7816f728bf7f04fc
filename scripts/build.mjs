// Builds keyhound: type-checks, bundles the CLI, the hook's entry, library and worker
// with esbuild (one file each, fast start-up), and precompiles rules/*.yaml into
// dist/rules.json (patterns expanded) after validating every file against the schema;
// beside it their ids (dist/rule-ids.json), each rule's gate and place in rules.json
// (dist/rule-gates.json), and their keyword prefilter (dist/keywords.bin).
import { execFileSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { lazyCliui, lazyStringWidth, yargsFindsItsRoot } from './yargs-start-up.mjs';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/.generated', { recursive: true });

/** A module of src/, bundled on its own for this script to use (as the scanner would). */
async function sourceModule(path) {
  const outfile = `dist/.generated/${path.replaceAll('/', '-')}.mjs`;
  await build({ entryPoints: [path], outfile, bundle: true, packages: 'external', format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' });
  return import(new URL(`../${outfile}`, import.meta.url).href);
}
const { expandRuleFile } = await sourceModule('src/rules/pieces.ts');

const ruleSchema = JSON.parse(readFileSync('schema/rules.schema.json', 'utf8'));
const configSchema = JSON.parse(readFileSync('schema/config.schema.json', 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(ruleSchema);
const files = readdirSync('rules').filter((name) => name.endsWith('.yaml')).sort();
const specs = files.map((name) => {
  const spec = parse(readFileSync(`rules/${name}`, 'utf8'));
  if (!validate(spec)) {
    console.error(`rules/${name}: ${validate.errors.map((e) => `${e.instancePath} ${e.message}`).join('; ')}`);
    process.exit(1);
  }
  // Examples and references are for people, the test suite and `rules check`; the scanner
  // does not need them. Patterns are expanded now (pieces.ts), not at every start-up.
  const forScanning = { ...spec, rules: spec.rules.map(({ examples: _e, negatives: _n, references: _r, ...rule }) => ({ ...rule, examples: [] })) };
  return expandRuleFile(forScanning, `rules/${name}`);
});
// With each rule's gate (id, keywords, reach) and where its JSON stands in rules.json:
// a scan reads the gates, and parses a rule only when a text needs it (builtin-rules.ts).
const { text: rulesJson, gates } = rulesWithGates(specs);
if (!isDeepStrictEqual(JSON.parse(rulesJson), specs)) throw new Error('dist/rules.json: not the rules it was built from');
writeFileSync('dist/rules.json', rulesJson);
writeFileSync('dist/rule-gates.json', JSON.stringify(gates));
// Their keyword prefilter, built now: a start-up that scans with the built-in rules alone
// reads it back (under 1 ms) instead of building it (about 10 ms).
const { encodeBuiltinKeywords } = await sourceModule('src/scan/ruleset.ts');
writeFileSync('dist/keywords.bin', encodeBuiltinKeywords(specs));
// The ids alone: a scan that compiles no rule (a hook with nothing staged) reads only these.
writeFileSync('dist/rule-ids.json', JSON.stringify(specs.flatMap((spec) => spec.rules.map((rule) => rule.id))));

/** The rule files as JSON, and each file's and rule's byte range in it (UTF-8). */
function rulesWithGates(files) {
  const parts = [];
  let offset = 0;
  const put = (text) => {
    const start = offset;
    parts.push(text);
    offset += Buffer.byteLength(text);
    return [start, offset];
  };
  put('[');
  const gates = files.map(({ rules, remediation, ...file }, index) => {
    put(`${index ? ',' : ''}${JSON.stringify(file).slice(0, -1)}${Object.keys(file).length ? ',' : ''}"remediation":`);
    const remediationAt = put(JSON.stringify(remediation));
    put(',"rules":[');
    const ruleGates = rules.map((rule, r) => {
      if (r) put(',');
      const at = put(JSON.stringify(rule));
      return { id: rule.id, keywords: rule.keywords, ...(rule.lines !== undefined ? { lines: rule.lines } : {}), ...(rule.maxTextLength !== undefined ? { maxTextLength: rule.maxTextLength } : {}), at };
    });
    put(']}');
    return { ...file, remediation: remediationAt, rules: ruleGates };
  });
  put(']');
  return { text: parts.join(''), gates };
}

// The schemas' validators, compiled now (ajv standalone) so that loading a config at
// start-up (the pre-commit hook) does not compile JSON Schemas.
const standalone = new Ajv({ allErrors: true, code: { source: true } });
standalone.addSchema(ruleSchema).addSchema(configSchema);
writeFileSync('dist/.generated/validators.cjs', standaloneCode(standalone, { rules: ruleSchema.$id, config: configSchema.$id }));

execFileSync('npx', ['tsc', '-p', '.', '--emitDeclarationOnly'], { stdio: 'inherit' });

await build({
  entryPoints: { index: 'src/index.ts', worker: 'src/scan/worker.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'bundle',
  // recheck (the ReDoS check of custom rules, loaded on demand) finds its native
  // analyser through its own package.json: it stays a package, resolved at run time.
  external: ['recheck'],
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [lazyCliui, lazyStringWidth, yargsFindsItsRoot],
  // Only the bundle reads built artefacts (src/bundled.ts).
  define: { __KEYHOUND_BUNDLED__: 'true' },
  // CommonJS dependencies inside an ESM bundle need a require().
  banner: { js: "import { createRequire as __keyhoundRequire } from 'node:module'; const require = __keyhoundRequire(import.meta.url);" },
  logLevel: 'warning',
});

// The CLI (bin/keyhound.cjs) runs from CommonJS files, so that node starts no ES module
// loader, loaded through V8's code cache (bin/code-cache.cjs), which takes a script, not
// a module: dist/cli.cjs, and for `keyhound staged`, which every pre-commit hook runs,
// dist/staged.cjs, the hook's short path alone (a smaller file to read and load). A
// script so loaded cannot import(), so dynamic imports become require()s here, and the
// schemas' validators are CommonJS too (dist/validators.cjs, for every entry).
const onlyAtRunTime = {
  name: 'only-at-run-time',
  setup(build) {
    // ajv: dist/ has the schemas' validators precompiled (its runtime helpers they use are
    // bundled); smol-toml reads gitleaks configs only. Loaded from node_modules when needed.
    build.onResolve({ filter: /^(ajv|smol-toml|recheck)$/ }, (args) => ({ path: args.path, external: true }));
  },
};
await build({
  entryPoints: { cli: 'src/cli/entry.ts', staged: 'src/cli/staged-entry.ts', validators: 'dist/.generated/validators.cjs' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  supported: { 'dynamic-import': false },
  sourcemap: true,
  plugins: [onlyAtRunTime, lazyCliui, lazyStringWidth, yargsFindsItsRoot],
  define: { __KEYHOUND_BUNDLED__: 'true', 'import.meta.url': '__keyhoundUrl' },
  banner: { js: "const __keyhoundUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
rmSync('dist/.generated', { recursive: true, force: true });
console.log(`built dist/ (${specs.reduce((n, s) => n + s.rules.length, 0)} rules from ${specs.length} files)`);
