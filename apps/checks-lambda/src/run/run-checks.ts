/**
 * The checks' code: a file of its own in the function (`dist/run-checks-*.mjs`), loaded by the handler
 * at the first invocation while that invocation's first reads are in flight (the stack parameter, the
 * previous run's state), not when the function's code is imported (issue 21). Everything a check
 * runs (the @eks-kit packages' procedures, their SDK commands) is reached from here.
 */
import { randomUUID } from 'node:crypto';
import { EksKitError, finding, formatError } from '@eks-kit/core';
import { turnOffActionNameValidationInProcess } from '@eks-kit/iam-policies';
import { HANDLER_ENV, type OrganizationSource } from '../config/handler-config.js';
import { logFindings } from '../report/log-findings.js';
import { redactSecrets } from '../report/redact.js';
import { reportAnswer } from '../report/report-run.js';
import { type RunTiming, readRunTiming, usableRunTiming } from '../report/run-timing.js';
import { summarizeRuns, type TargetResult } from '../report/summary.js';
import { checkTargets } from './check-targets.js';
import {
  type BatchResult,
  type ChecksResult,
  type Invocation,
  MISSING_BATCHES_CHECK,
  type PlanResult,
  REPORT_RESERVE_MS,
  type ReportResult,
} from './invocation.js';
import { planRun, resolveOrganizationTargets } from './organization-targets.js';
import { compactResults, type RunPhase } from './phases.js';
import {
  putJson,
  readRunResults,
  reportKey,
  resultsPrefix,
  writeBatches,
  writeBatchResults,
} from './run-store.js';

export { stackCheckTasks } from '../checks/stack-check-tasks.js';
export { newMetrics, reportAnswer, reportRun } from '../report/report-run.js';

/** One batch of a split run: check its targets, log their findings, answer their compact results. */
async function runBatch(
  inv: Invocation,
  org: OrganizationSource,
  phase: Extract<RunPhase, { kind: 'batch' }>,
): Promise<BatchResult> {
  const targets = phase.targets;
  const { clients, config, stack, logger, signal } = inv;
  // The batches run side by side (the Distributed Map's MaxConcurrency): each takes its share
  // of the caller account's AssumeRole rate.
  const batchResults = await checkTargets(clients, config, stack.cluster.region, inv.tasksOf(stack), {
    ...(signal ? { signal } : {}),
    targets,
    assumeRolePerSecond: org.assumeRolePerSecond / org.batchConcurrency,
    ...(inv.rateClock ? { clock: inv.rateClock } : {}),
    ...(inv.targetClock ? { now: inv.targetClock } : {}),
  });
  const batchSummary = summarizeRuns(stack.name, batchResults);
  logFindings(logger, batchSummary);
  logger.info(`eks-kit checks: batch of ${targets.length} targets done`, {
    counts: batchSummary.counts,
    targetCounts: batchSummary.targetCounts,
  });
  const compact = compactResults(batchResults);
  const bucket = inv.config.runBucket;
  if (bucket && phase.runId !== undefined && phase.index !== undefined) {
    // The results go to S3: the answer (the Distributed Map child's output) stays small.
    const resultsKey = await writeBatchResults(inv.clients, bucket, phase.runId, phase.index, compact);
    return { phase: 'batch', resultsKey, targets: targets.length, counts: batchSummary.counts };
  }
  return { phase: 'batch', results: compact, targets: targets.length, counts: batchSummary.counts };
}

/** A split run's report: the batches' results from the run bucket; missing batches are one failure. */
async function readBatches(
  inv: Invocation,
  phase: { runId: string; batchCount: number },
): Promise<TargetResult[]> {
  const bucket = inv.config.runBucket;
  if (!bucket) {
    throw new EksKitError('InvalidInput', `a report of run ${phase.runId} needs ${HANDLER_ENV.runBucket}`);
  }
  const { results, batches } = await readRunResults(inv.clients, bucket, phase.runId);
  if (batches >= phase.batchCount) return results;
  // Never silence: a batch that wrote nothing (its invocation failed or timed out: the Distributed Map
  // tolerates it and goes on to this report) is a failure of the run (its targets are not reported).
  const message = `${phase.batchCount - batches} of ${phase.batchCount} batches of run ${phase.runId} wrote no results (s3://${bucket}/${resultsPrefix(phase.runId)})`;
  return [
    ...results,
    {
      target: 'run',
      region: inv.stack.cluster.region,
      notATarget: true,
      runs: [
        {
          name: MISSING_BATCHES_CHECK,
          outcome: 'threw',
          durationMs: 0,
          findings: [
            finding(MISSING_BATCHES_CHECK, `run ${phase.runId}`, 'fail', message, {
              hint: "read the state machine's execution history (the failed batches' child executions) and the function's log group",
              data: { checkError: true, missingBatches: phase.batchCount - batches },
            }),
          ],
        },
      ],
    },
  ];
}

/**
 * The per-target time the previous run recorded, for the plan; a state that cannot be read or a
 * malformed `timing` is a warning and no timing (the plan then uses the default). A well-formed one
 * measured at other run settings or more than 30 days ago is not used either, and the plan's message
 * says why (`timingIgnored`). Not read when `EKS_KIT_SECONDS_PER_TARGET` is set (the setting wins).
 */
async function lastRunTiming(
  inv: Invocation,
  org: OrganizationSource,
): Promise<{ timing?: RunTiming; timingIgnored?: string }> {
  if (org.secondsPerTargetSet || !inv.previousState) return {};
  const { previous, stateError } = await inv.previousState;
  if (stateError !== undefined) {
    // The whole run's report logs this error as an error; the plan says what it means for the plan.
    inv.logger.warn('could not read the previous run: planning with the default time a target', {
      error: stateError,
    });
    return {};
  }
  const { timing, warning } = readRunTiming(previous?.timing);
  if (warning) inv.logger.warn(`${warning}: planning with the default time a target`);
  if (!timing) return {};
  const usable = usableRunTiming(
    timing,
    { targetConcurrency: inv.config.targetConcurrency, checkConcurrency: inv.config.checkConcurrency },
    inv.now(),
  );
  return usable.timing ? { timing: usable.timing } : { timingIgnored: usable.ignored };
}

/**
 * Targets from AWS Organizations: resolve and plan them; the plan step answers the plan, a whole run
 * checks them if one invocation can finish.
 */
async function runOrganization(
  inv: Invocation,
  org: OrganizationSource,
  planOnly: boolean,
  planRunId?: string,
): Promise<PlanResult | TargetResult[]> {
  const { clients, config, stack, logger, signal } = inv;
  const region = stack.cluster.region;
  // Say before the first check whether one invocation can finish the run.
  const targets = await resolveOrganizationTargets(clients, org, region, signal);
  const limitSeconds = Math.floor(((inv.remaining ?? 900_000) - REPORT_RESERVE_MS) / 1000);
  const plan = planRun(
    targets,
    { targetConcurrency: config.targetConcurrency, organization: org, ...(await lastRunTiming(inv, org)) },
    limitSeconds,
  );
  if (planOnly) {
    (plan.fits ? logger.info : logger.warn).call(logger, plan.message, {
      plan: { ...plan, batches: plan.batches.map((b) => b.targets.length) },
    });
    const bucket = inv.config.runBucket;
    if (!bucket) return { phase: 'plan', ...plan, batchCount: plan.batches.length };
    // The batches go to S3, where the Distributed Map's ItemReader reads them: the plan's answer
    // stays the same size for 10 or 10,000 targets.
    const runId = planRunId ?? `run-${randomUUID()}`;
    const { batches, ...rest } = plan;
    const { key } = await writeBatches(inv.clients, bucket, runId, batches);
    return { phase: 'plan', ...rest, batchCount: batches.length, runId, bucket, batchesKey: key };
  }
  if (!plan.fits) {
    throw new EksKitError('RunTooLong', `the checks cannot finish in one invocation: ${plan.message}`, {
      hint: plan.tooLongAlone
        ? // No split helps: one account alone takes longer than an invocation has (issue 21 trial).
          "raise the function's timeout (the template deploys 300 s; Lambda allows 900 s) or invoke it with more time left; splitting the run cannot help"
        : 'deploy the template with organisation targets: its state machine splits the run (Step Functions Distributed Map), or check fewer OUs or regions',
    });
  }
  logger.info(plan.message);
  return checkTargets(clients, config, region, inv.tasksOf(stack), {
    ...(signal ? { signal } : {}),
    targets,
    assumeRolePerSecond: org.assumeRolePerSecond,
    ...(inv.rateClock ? { clock: inv.rateClock } : {}),
    ...(inv.targetClock ? { now: inv.targetClock } : {}),
  });
}

/** The results to report for the phase, or the plan or batch answer that ends the invocation. */
export async function checkPhase(
  inv: Invocation,
  phase: RunPhase,
): Promise<TargetResult[] | PlanResult | BatchResult> {
  // The checks compare AWS with policies eks-kit's builders make, whose action names their tests
  // check: no action catalog here (the bundle leaves it out, build/iam-data-left-out.ts). Off for the
  // whole process, not in an async context (withoutActionNameValidation), which would make Node
  // track every promise of the run (a cold start 11-35% longer in the lambda-init bench, issue 21).
  turnOffActionNameValidationInProcess();
  const org = inv.config.organization;
  if (phase.kind === 'report') return 'results' in phase ? phase.results : readBatches(inv, phase);
  if (phase.kind === 'batch' && org) return runBatch(inv, org, phase);
  if (org)
    return runOrganization(inv, org, phase.kind === 'plan', phase.kind === 'plan' ? phase.runId : undefined);
  return checkTargets(inv.clients, inv.config, inv.stack.cluster.region, inv.tasksOf(inv.stack), inv.signal);
}

/**
 * A split run's report answer (`{ "phase": "report" }`): counts only ({@link reportAnswer}), and, with a run
 * bucket, the whole summary written to `runs/<runId>/report.json` (`reportKey`), where every target's
 * results and every kept finding stay readable whatever their number. A write that fails is logged and
 * leaves the key out: the run has reported (notice, metrics, state) by then.
 *
 * @example
 * ```ts
 * const answer = await reportPhaseAnswer(inv, { kind: 'report', runId: 'run-1', batchCount: 3 }, summary);
 * answer.reportKey; // 'runs/run-1/report.json'
 * ```
 */
export async function reportPhaseAnswer(
  inv: Invocation,
  phase: RunPhase,
  summary: ChecksResult,
): Promise<ReportResult> {
  const answer = reportAnswer(summary);
  const bucket = inv.config.runBucket;
  if (phase.kind !== 'report' || !('runId' in phase) || !bucket) return answer;
  const key = reportKey(phase.runId);
  try {
    await putJson(inv.clients, bucket, key, summary);
    return { ...answer, reportKey: key };
  } catch (error) {
    inv.logger.error("could not write the run's summary to the run bucket", {
      error: redactSecrets(formatError(error)),
    });
    return answer;
  }
}
