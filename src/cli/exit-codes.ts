/**
 * The exit contract, written down once: a hook and a CI job must tell a leak from a
 * broken scanner.
 */
export const EXIT_CLEAN = 0;
export const EXIT_LEAKS = 1;
export const EXIT_ERROR = 2;
