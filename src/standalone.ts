/**
 * What the committed standalone bundle (bundle/keyhound.mjs) holds: the CLI, for
 * bin/keyhound.js where dist/ was never built.
 */
export { main, runProcess } from './cli/entry.js';
