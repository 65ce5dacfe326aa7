// Exit codes of `patchstorm run` (documented in the summary and the CLI help).
export const EXIT_OK = 0;
/** The run completed but at least one threshold was breached (the summary names which). */
export const EXIT_THRESHOLD_BREACHED = 1;
/** Bad profile, options or target: nothing was sent. */
export const EXIT_INVALID_INPUT = 2;
/** The run stopped on an internal error (a worker died, a behaviour threw). */
export const EXIT_ABORTED = 3;
/** Interrupted by SIGINT/SIGTERM; metrics up to that point were still flushed. */
export const EXIT_INTERRUPTED = 130;

export const EXIT_CODES = {
  [EXIT_OK]: 'completed, every threshold met',
  [EXIT_THRESHOLD_BREACHED]: 'completed, threshold breached',
  [EXIT_INVALID_INPUT]: 'invalid input, run not started',
  [EXIT_ABORTED]: 'run aborted by an error',
  [EXIT_INTERRUPTED]: 'interrupted (SIGINT/SIGTERM)',
} as const;
