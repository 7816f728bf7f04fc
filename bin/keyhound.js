#!/usr/bin/env node
import { fileURLToPath } from 'node:url';

let cli;
try {
  cli = await import('../dist/cli.js');
} catch (error) {
  // A checkout that was never built (or a broken build): say what to do, in one line.
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));
  process.stderr.write(`keyhound: cannot load its build in ${dist} (${error?.code ?? error?.name}): run \`npm run build\` (or \`npm install\`) in the keyhound package\n`);
  if (process.env.KEYHOUND_DEBUG && process.env.KEYHOUND_DEBUG !== '0') process.stderr.write(`${error?.stack}\n`);
  process.exit(2);
}
await cli.runProcess(process.argv.slice(2));
