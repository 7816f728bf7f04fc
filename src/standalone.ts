/**
 * What the committed standalone bundle (bundle/keyhound.mjs) holds: the CLI, for
 * bin/keyhound.cjs where dist/ was never built, and the GitHub Action (bin/action.js).
 */
export { main, runProcess } from './cli/entry.js';
export { runAction } from './action/action.js';
