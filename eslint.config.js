// ESLint: the recommended JavaScript and typescript-eslint rules, nothing stricter, so that
// lint catches mistakes (unused code, a forgotten await's cousins) rather than style.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_GLOBALS = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'performance', 'setTimeout', 'clearTimeout', 'setImmediate', 'structuredClone', 'TextDecoder', 'SharedArrayBuffer', 'Atomics'].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  // bench/.corpus: the benchmarks' downloaded and generated code, not ours.
  { ignores: ['dist/', 'bundle/', 'node_modules/', 'test/fixtures/', 'fixtures/', 'bench/.corpus/', 'bench/.results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Node scripts (bench/, scripts/, bin/): Node's globals.
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: NODE_GLOBALS } },
  // The bin and its code cache loader are CommonJS (bin/keyhound.cjs says why).
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...NODE_GLOBALS, require: 'readonly', module: 'writable', __dirname: 'readonly', __filename: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      // Matching control characters is the job here (terminal-safe output, binary detection).
      'no-control-regex': 'off',
      // `_name` marks what is deliberately left unused (a destructured field dropped on purpose).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
