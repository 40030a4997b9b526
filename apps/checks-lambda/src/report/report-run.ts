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
  type ReportResult,
} from '../run/invocation.js';
import type { RunPhase } from '../run/phases.js';
import { type ChangedFailure, type CheckState, compareWithPrevious } from './finding-state.js';
import { logFindings, logSummary } from './log-findings.js';
import { changeNotice, publishNotice } from './notify-failures.js';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME, publishSummaryMetrics } from './publish-metrics.js';
import { redactSecrets } from './redact.js';
import { nextRunTiming } from './run-timing.js';
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
  // A split run's batches logged their own findings; the report logs the one it makes (checks.batches).
  if (phase.kind !== 'report') logFindings(inv.logger, summary);
  else
    logFindings(inv.logger, {
      ...summary,
      findings: summary.findings.filter((f) => f.check === MISSING_BATCHES_CHECK),
    });
  publishSummaryMetrics(metrics, summary);
  const nextState = withTiming(
    inv,
    await notifyChange(inv, summary, compared, previous, now),
    results,
    previous,
    now,
    missingBatches,
  );
  const stateError = await keepState(inv, summary, nextState, readError);
  if (stateError !== undefined) summary.state = { error: stateError };
  if (phase.kind === 'report') summary.missingBatches = missingBatches;
  logSummary(inv.logger, summary);
  return summary;
}

/**
 * The state to keep with the run's `timing` (organisation targets only: the plan is theirs), as
 * {@link nextRunTiming} decides: this run's p90 when enough targets were timed (every check completed),
 * else the previous run's entry as it was; never lowered by a run cut short (batches missing, targets
 * stopped by the invocation's deadline). A run that checked nothing measured nothing and does not erase
 * the last measure.
 */
function withTiming(
  inv: Invocation,
  state: CheckState | undefined,
  results: readonly TargetResult[],
  previous: StoredCheckState | undefined,
  now: Date,
  missingBatches: number,
): StoredCheckState | undefined {
  if (!state || !inv.config.organization) return state;
  const { timing: _old, ...rest } = state as StoredCheckState;
  const cutShort = missingBatches > 0 || results.some((r) => r.runs.some((run) => run.stopped));
  const { timing, why } = nextRunTiming(results, previous?.timing, {
    now,
    settings: {
      targetConcurrency: inv.config.targetConcurrency,
      checkConcurrency: inv.config.checkConcurrency,
    },
    cutShort,
  });
  inv.logger.info(`per-target timing for the next plan: ${why}`, { timing: timing ?? null });
  return timing === undefined ? rest : { ...rest, timing };
}

/** Longest error text a report's answer carries (a notice or state error): the answer stays bounded. */
const ANSWER_TEXT_MAX = 1_000;

/**
 * The report step's answer to the state machine: the run's counts and outcome, never a per-target list,
 * so that its size does not depend on the number of targets (Step Functions: a task's raw result is at
 * most 256 KiB, else `States.DataLimitExceeded`, which `Catch` on `States.ALL` does not catch;
 * docs/AWS-FACTS.md#checks-over-an-aws-organisation, "A task's raw result"). The whole summary is logged.
 *
 * @example
 * ```ts
 * const answer = reportAnswer(await reportRun(inv, metrics, phase, results, previousState));
 * answer.targetCounts; // { checked: 4990, skipped: 5, unreachable: 5 }
 * ```
 */
export function reportAnswer(summary: ChecksResult): ReportResult {
  const clip = (text: string) =>
    text.length > ANSWER_TEXT_MAX ? `${text.slice(0, ANSWER_TEXT_MAX - 3)}...` : text;
  const { notification, state } = summary;
  return {
    phase: 'report',
    stack: summary.stack,
    status: summary.status,
    counts: summary.counts,
    checkErrors: summary.checkErrors,
    ...(summary.nearestCertificateExpiryDays !== undefined
      ? { nearestCertificateExpiryDays: summary.nearestCertificateExpiryDays }
      : {}),
    targetCounts: summary.targetCounts,
    changes: {
      notice: summary.changes.notice,
      ...(summary.changes.previousRunAt ? { previousRunAt: summary.changes.previousRunAt } : {}),
      newFailures: summary.changes.newFailures.length,
      resolved: summary.changes.resolved.length,
      stillFailing: summary.changes.stillFailing.length,
    },
    ...(notification
      ? {
          notification:
            'error' in notification
              ? { kind: notification.kind, error: clip(notification.error) }
              : { kind: notification.kind, messageId: notification.messageId },
        }
      : {}),
    ...(state ? { state: 'error' in state ? { error: clip(state.error) } : state } : {}),
    missingBatches: summary.missingBatches ?? 0,
  };
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
