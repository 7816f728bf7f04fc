/**
 * Whether this code runs from the built bundle (dist/). Only the bundle reads built
 * artefacts (precompiled rules and validators, the worker file); code run from source,
 * as the tests do, reads only source files, so it never tests a stale build.
 */
declare const __KEYHOUND_BUNDLED__: boolean | undefined;

export const BUNDLED: boolean = typeof __KEYHOUND_BUNDLED__ !== 'undefined' && __KEYHOUND_BUNDLED__ === true;
