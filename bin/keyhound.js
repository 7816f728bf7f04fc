#!/usr/bin/env node
// No signal handlers: SIGINT and SIGTERM end the process at once (src/cli/write-report.ts says why).
import { main } from '../dist/cli.js';
process.exitCode = await main(process.argv.slice(2));
