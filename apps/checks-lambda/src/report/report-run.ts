/**
 * The end of a run: compare with the previous run, log the findings, publish the EMF metrics, notify a
 * change, keep the state for the next run. Loaded with the checks' code (run-checks.ts), at the first
 * invocation: nothing here runs before the invocation's first reads are out (issue 21).
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { formatError } from '@eks-kit/core';
import {
  type ChangeEntry,
  type ChecksResult,
  type Invocation,
  MISSING_BATCHES_CHECK,
  type PreviousState,
} from '../run/invocation.js';
import type { RunPhase } from '../run/phases.js';
import { type ChangedFailure, type CheckState, compareWithPrevious } from './finding-state.js';
import { logFindings, logSummary } from './log-findings.js';
import { changeNotice, publishNotice } from './notify-failures.js';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME, publishSummaryMetrics } from './publish-metrics.js';
import { redactSecrets } from './redact.js';
import { measureRunTiming, readRunTiming } from './run-timing.js';
import { type StoredCheckState, writeCheckState, writeCheckStateObject } from './state-store.js';
import { summarizeRuns, type TargetResult } from './summary.js';

/**
 * The function's EMF metrics (Powertools), made once per sandbox by the handler at its first report.
 *
 * @example
 * ```ts
 * const metrics = newMetrics();
 * publishSummaryMetrics(metrics, summary);
 * ```
 */
export function newMetrics(): Metrics {
  return new Metrics({ namespace: DEFAULT_METRICS_NAMESPACE, serviceName: DEFAULT_SERVICE_NAME });
}

/** The run's summary with how it compares with the previous run. */
function summarizeWithChanges(
  stackName: string,
  results: TargetResult[],
  compared: ReturnType<typeof compareWithPrevious>,
): ChecksResult {
  const strip = (list: ChangedFailure[]): ChangeEntry[] => list.map(({ finding: _f, ...rest }) => rest);
  return {
    ...summarizeRuns(stackName, results),
    changes: {
      notice: compared.changes.notice,
      ...(compared.changes.previousRunAt ? { previousRunAt: compared.changes.previousRunAt } : {}),
      newFailures: strip(compared.changes.newFailures),
      resolved: strip(compared.changes.resolved),
      stillFailing: strip(compared.changes.stillFailing),
    },
  };
}

/**
 * Publish the notice of a change, noting the outcome in the summary; answers the state to keep (the
 * previous failures when the notice could not be published).
 */
async function notifyChange(
  inv: Invocation,
  summary: ChecksResult,
  compared: ReturnType<typeof compareWithPrevious>,
  previous: CheckState | undefined,
  now: Date,
): Promise<CheckState | undefined> {
  const notice = changeNotice(summary, compared.changes);
  if (!inv.config.snsTopicArn || !notice) return compared.state;
  try {
    const messageId = await publishNotice(inv.clients, inv.config.snsTopicArn, notice);
    if (messageId) summary.notification = { kind: compared.changes.notice, messageId };
    return compared.state;
  } catch (error) {
    const message = redactSecrets(formatError(error));
    summary.notification = { kind: compared.changes.notice, error: message };
    inv.logger.error('could not publish the notice', { error: message });
    // Not announced: keep the previous failures so that the next run announces the change.
    return previous ? { ...previous, lastRunAt: now.toISOString() } : undefined;
  }
}

/** Write the state for the next run, noting the outcome in the summary; answers the state error, if any. */
async function keepState(
  inv: Invocation,
  summary: ChecksResult,
  nextState: CheckState | undefined,
  stateError: string | undefined,
): Promise<string | undefined> {
  const { runBucket, stateParameter } = inv.config;
  if ((!stateParameter && !runBucket) || !nextState || stateError !== undefined) return stateError;
  try {
    const { dropped } = runBucket
      ? await writeCheckStateObject(inv.clients, runBucket, nextState, stateParameter)
      : await writeCheckState(inv.clients, stateParameter as string, nextState);
    summary.state = { written: true, dropped };
    return undefined;
  } catch (error) {
    const message = redactSecrets(formatError(error));
    inv.logger.error('could not keep this run for the next one', { error: message });
    return message;
  }
}

/**
 * Compare with the previous run, log, publish the metrics, notify, keep the state: the run's summary.
 *
 * @example
 * ```ts
 * const summary = await reportRun(inv, newMetrics(), { kind: 'whole' }, results, readPreviousState(inv));
 * summary.changes.notice; // 'first-run'
 * ```
 */
export async function reportRun(
  inv: Invocation,
  metrics: Metrics,
  phase: RunPhase,
  results: TargetResult[],
  previousState: Promise<PreviousState>,
): Promise<ChecksResult> {
  // Alert on change: compare with the previous run's failures (a state that cannot be read is a
  // first run: every failure is announced rather than none).
  const { previous, stateError: readError } = await previousState;
  if (readError !== undefined) inv.logger.error('could not read the previous run', { error: readError });
  const now = inv.now();
  // A split run whose batches wrote no results did not hear from their targets: keep their failures.
  const missingBatches = phase.kind === 'report' ? missingBatchesOf(results) : 0;
  const compared = compareWithPrevious(previous, results, now, inv.config.reminderDays, {
    keepUnreported: missingBatches > 0,
  });
  const summary = summarizeWithChanges(inv.stack.name, results, compared);
  // A split run's batches logged their own findings.
  if (phase.kind !== 'report') logFindings(inv.logger, summary);
  publishSummaryMetrics(metrics, summary);
  const nextState = withTiming(
    inv,
    await notifyChange(inv, summary, compared, previous, now),
    results,
    previous,
    now,
  );
  const stateError = await keepState(inv, summary, nextState, readError);
  if (stateError !== undefined) summary.state = { error: stateError };
  if (phase.kind === 'report') summary.missingBatches = missingBatches;
  logSummary(inv.logger, summary);
  return summary;
}

/**
 * The state to keep with the run's `timing` (organisation targets only: the plan is theirs): this run's
 * p90 when it timed a target, else the previous run's entry as it was (a run that checked nothing, all
 * accounts suspended or unreachable, measured nothing and does not erase the last measure).
 */
function withTiming(
  inv: Invocation,
  state: CheckState | undefined,
  results: readonly TargetResult[],
  previous: StoredCheckState | undefined,
  now: Date,
): StoredCheckState | undefined {
  if (!state || !inv.config.organization) return state;
  const { timing: _old, ...rest } = state as StoredCheckState;
  // The previous entry only if it is one (a malformed one is not carried on).
  const timing = measureRunTiming(results, now) ?? readRunTiming(previous?.timing).timing;
  return timing === undefined ? rest : { ...rest, timing };
}

/** Batches a split run's report found without results (the `checks.batches` finding's count). */
function missingBatchesOf(results: readonly TargetResult[]): number {
  let missing = 0;
  for (const r of results)
    for (const run of r.runs)
      for (const f of run.findings) {
        const n = (f.data as { missingBatches?: unknown } | undefined)?.missingBatches;
        if (f.check === MISSING_BATCHES_CHECK && typeof n === 'number') missing += n;
      }
  return missing;
}
