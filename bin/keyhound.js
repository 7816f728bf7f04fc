#!/usr/bin/env node
import { interrupted, main } from '../dist/cli.js';
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => interrupted(signal));
process.exitCode = await main(process.argv.slice(2));
