/**
 * The unit of work of the handler: one named check over one client set.
 */
import type { AwsClients, Finding } from '@eks-kit/core';

/** One check the handler runs; its findings are reported as they are, a throw becomes a `fail` finding. */
export interface CheckTask {
  /** Check name used in failure findings and in the per-check duration metric, e.g. `certificates`. */
  name: string;
  /** What the check concerns, for the finding made when it throws (e.g. the stack or cluster name). */
  resource: string;
  /** Run the check; `signal` aborts when its time is up. */
  run(clients: AwsClients, signal: AbortSignal): Promise<Finding[]>;
}

/** How one check task ended. */
export type CheckOutcome = 'completed' | 'threw' | 'timed-out';

/** The result of running one {@link CheckTask}. */
export interface CheckRun {
  name: string;
  outcome: CheckOutcome;
  /** Its findings, or the one `fail` finding that reports why it did not complete. */
  findings: Finding[];
  /** Wall time in milliseconds (a figure for metrics, never asserted). */
  durationMs: number;
  /** `ok` findings left out of `findings` to keep a batch's answer small (counted in the summary). */
  omittedOk?: number;
  /**
   * The invocation's deadline stopped it (its `timed-out` outcome is the function's time running out, not
   * its own `EKS_KIT_CHECK_TIMEOUT_SECONDS`): its `durationMs` is cut short, so its target is not timed and
   * the run's report never lowers the stored per-target time (report/run-timing.ts).
   */
  stopped?: true;
}
