/**
 * What the handler (`index.mjs`) and the checks' code (`run-checks.ts`, loaded at the first invocation)
 * share: one invocation's settings, clients and stack, and the answers of a split run's steps.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AwsClients, RateLimiterClock } from '@eks-kit/core';
import type { Stack } from '@eks-kit/stack';
import type { HandlerConfig } from '../config/handler-config.js';
import type { ChangedFailure } from '../report/finding-state.js';
import type { StoredCheckState } from '../report/state-store.js';
import type { ChecksSummary, TargetResult } from '../report/summary.js';
import type { CheckTask } from './check-task.js';
import type { RunPlan } from './organization-targets.js';

/** Time kept back from the Lambda's deadline to log and publish the summary. */
export const REPORT_RESERVE_MS = 10_000;

/**
 * What the plan step answers (`{ "phase": "plan" }`): the estimate and the batches for the Distributed
 * Map: inline, or, with a run bucket, where they were written (`bucket`, `batchesKey`): then the answer
 * stays the same size whatever the number of targets.
 */
export interface PlanResult extends Omit<RunPlan, 'batches'> {
  phase: 'plan';
  /** The batches, inline (no run bucket). */
  batches?: RunPlan['batches'];
  batchCount: number;
  /** With a run bucket: the run's id (its objects' prefix), the bucket and the batches' key. */
  runId?: string;
  bucket?: string;
  batchesKey?: string;
}

/**
 * What one batch answers (`{ "phase": "batch", ... }`): its targets' results (`ok` findings counted
 * only), inline or, with a run bucket, the key of the object that holds them.
 */
export interface BatchResult {
  phase: 'batch';
  results?: TargetResult[];
  resultsKey?: string;
  targets: number;
  counts: ChecksSummary['counts'];
}

/** Check id of the finding made when a split run's report finds fewer batch results than the plan made. */
export const MISSING_BATCHES_CHECK = 'checks.batches';

/** One invocation's settings, clients and stack, shared by the steps of {@link createChecksHandler}. */
export interface Invocation {
  config: HandlerConfig;
  clients: AwsClients;
  stack: Stack;
  logger: Logger;
  tasksOf: (stack: Stack) => CheckTask[];
  /** Aborts the checks {@link REPORT_RESERVE_MS} before the Lambda's deadline. */
  signal: AbortSignal | undefined;
  /** The Lambda's remaining time when the stack was loaded, if the context tells. */
  remaining: number | undefined;
  now: () => Date;
  rateClock: RateLimiterClock | undefined;
  /**
   * The previous run's state, read at the invocation's start by the phases that use it: a whole run and
   * a report (to compare failures), and a plan (organisation targets: the last run's `timing`).
   */
  previousState?: Promise<PreviousState>;
  /** Milliseconds from a fixed point for the targets' `durationMs` (default `performance.now`). */
  targetClock?: () => number;
}

/** A failure named in {@link ChecksResult.changes}. */
export type ChangeEntry = Omit<ChangedFailure, 'finding'>;

/** What the handler returns: the summary, how it compares with the last run, what happened to the notice. */
export interface ChecksResult extends ChecksSummary {
  /** The notice sent: its SNS message id, or why it could not be published. */
  notification?: { kind: string; messageId: string } | { kind: string; error: string };
  /** How this run compares with the previous one (alert on change). */
  changes: {
    notice: 'first-run' | 'change' | 'reminder' | 'none';
    previousRunAt?: string;
    newFailures: ChangeEntry[];
    resolved: ChangeEntry[];
    stillFailing: ChangeEntry[];
  };
  /** The state store: written, or why it could not be read or written. */
  state?: { written: true; dropped: number } | { error: string };
  /**
   * A split run's report (`{ "phase": "report" }`): how many of the plan's batches wrote no results (0 when
   * every one did). Each is a `checks.batches` failure in the summary; the state machine then fails the
   * execution after the report (its `BatchesMissing` state), so the `ExecutionsFailed` alarm fires.
   */
  missingBatches?: number;
}

/**
 * What a split run's report step answers (`{ "phase": "report", ... }`): a summary whose size does not grow
 * with the targets, since Step Functions fails the execution with `States.DataLimitExceeded` when a task's
 * raw result (the Lambda's whole `Payload`, before `ResultSelector`) is over 256 KiB, an error a `Catch` on
 * `States.ALL` does not catch (docs/AWS-FACTS.md#checks-over-an-aws-organisation, "A task's raw result").
 * Counts only: the per-target results and every finding are in the function's log (the summary line) and
 * the failures kept in the run bucket's state. `missingBatches` is what the state machine's `CheckReport`
 * Choice reads.
 */
export interface ReportResult {
  phase: 'report';
  stack: string;
  status: ChecksSummary['status'];
  counts: ChecksSummary['counts'];
  checkErrors: number;
  nearestCertificateExpiryDays?: number;
  targetCounts: ChecksSummary['targetCounts'];
  /** How this run compares with the previous one, as counts (the lists are in the log and the notice). */
  changes: {
    notice: ChecksResult['changes']['notice'];
    previousRunAt?: string;
    newFailures: number;
    resolved: number;
    stillFailing: number;
  };
  notification?: ChecksResult['notification'];
  state?: ChecksResult['state'];
  missingBatches: number;
  /** With a run bucket: the object holding the whole summary (every target, every finding kept). */
  reportKey?: string;
}

/** The previous run's state, or why it could not be read (then this run is a first run). */
export type PreviousState = { previous?: StoredCheckState; stateError?: string };
