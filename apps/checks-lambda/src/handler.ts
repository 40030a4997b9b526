/**
 * The Lambda handler: load the stack, run its checks on every target, log the findings as JSON,
 * publish EMF metrics, notify SNS of failures, and return the summary.
 */

import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  type AwsClients,
  type ClientOptions,
  createClients,
  createSharedConnections,
  EksKitError,
  finding,
  formatError,
  type RateLimiterClock,
} from '@eks-kit/core';
import { withoutActionNameValidation } from '@eks-kit/iam-policies';
import type { Stack } from '@eks-kit/stack';
import { stackCheckTasks } from './checks/stack-check-tasks.js';
import {
  HANDLER_ENV,
  type HandlerConfig,
  type OrganizationSource,
  readHandlerConfig,
} from './config/handler-config.js';
import { loadStackFromSource } from './config/load-stack.js';
import { type ChangedFailure, type CheckState, compareWithPrevious } from './report/finding-state.js';
import { logFindings, logSummary } from './report/log-findings.js';
import { changeNotice, publishNotice } from './report/notify-failures.js';
import {
  DEFAULT_METRICS_NAMESPACE,
  DEFAULT_SERVICE_NAME,
  publishSummaryMetrics,
} from './report/publish-metrics.js';
import { redactSecrets } from './report/redact.js';
import {
  readCheckState,
  readCheckStateObject,
  writeCheckState,
  writeCheckStateObject,
} from './report/state-store.js';
import { type ChecksSummary, summarizeRuns, type TargetResult } from './report/summary.js';
import { checkTargets } from './run/check-targets.js';
import type { CheckTask } from './run/check-task.js';
import { planRun, type RunPlan, resolveOrganizationTargets } from './run/organization-targets.js';
import {
  type BatchEvent,
  compactResults,
  type PlanEvent,
  type ReportEvent,
  type RunPhase,
  readPhase,
} from './run/phases.js';
import { readRunResults, resultsPrefix, writeBatches, writeBatchResults } from './run/run-store.js';

/** The part of the Lambda context the handler uses. */
export interface LambdaContextLike {
  getRemainingTimeInMillis?: () => number;
  awsRequestId?: string;
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
}

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

/** The handler: a whole run for the schedule's event, or one step of a split run. */
export interface ChecksHandler {
  (event: PlanEvent, context?: LambdaContextLike): Promise<PlanResult>;
  (event: BatchEvent, context?: LambdaContextLike): Promise<BatchResult>;
  (event: ReportEvent, context?: LambdaContextLike): Promise<ChecksResult>;
  (event?: unknown, context?: LambdaContextLike): Promise<ChecksResult>;
}

/** Dependencies of {@link createChecksHandler}; every one has a production default. */
export interface ChecksHandlerDependencies {
  /** Environment to read (default `process.env`). */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  metrics?: Metrics;
  /** The checks of a stack (default {@link stackCheckTasks}); tests add a throwing one. */
  checkTasks?: (stack: Stack) => CheckTask[];
  /** The clock (default the system's); tests move it to reach the weekly reminder. */
  now?: () => Date;
  /** Extra client options (tests pass credentials and `maxAttempts`). */
  clientOptions?: Partial<ClientOptions>;
  /** Clock of the AssumeRole token bucket (default real time); tests pass a virtual one. */
  rateClock?: RateLimiterClock;
}

/** Time kept back from the Lambda's deadline to log and publish the summary. */
const REPORT_RESERVE_MS = 10_000;

/** One invocation's settings, clients and stack, shared by the steps of {@link createChecksHandler}. */
interface Invocation {
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
}

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
  const batchResults = await withoutActionNameValidation(() =>
    checkTargets(clients, config, stack.cluster.region, inv.tasksOf(stack), {
      ...(signal ? { signal } : {}),
      targets,
      assumeRolePerSecond: org.assumeRolePerSecond / org.batchConcurrency,
      ...(inv.rateClock ? { clock: inv.rateClock } : {}),
    }),
  );
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
  // Never silence: a batch that wrote nothing is a failure of the run (its targets are not reported).
  const message = `${phase.batchCount - batches} of ${phase.batchCount} batches of run ${phase.runId} wrote no results (s3://${bucket}/${resultsPrefix(phase.runId)})`;
  return [
    ...results,
    {
      target: 'run',
      region: inv.stack.cluster.region,
      runs: [
        {
          name: MISSING_BATCHES_CHECK,
          outcome: 'threw',
          durationMs: 0,
          findings: [
            finding(MISSING_BATCHES_CHECK, `run ${phase.runId}`, 'fail', message, {
              hint: "read the state machine's execution history and the function's log group",
              data: { checkError: true },
            }),
          ],
        },
      ],
    },
  ];
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
    { targetConcurrency: config.targetConcurrency, organization: org },
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
      hint: 'deploy the template with organisation targets: its state machine splits the run (Step Functions Distributed Map), or check fewer OUs or regions',
    });
  }
  logger.info(plan.message);
  return withoutActionNameValidation(() =>
    checkTargets(clients, config, region, inv.tasksOf(stack), {
      ...(signal ? { signal } : {}),
      targets,
      assumeRolePerSecond: org.assumeRolePerSecond,
      ...(inv.rateClock ? { clock: inv.rateClock } : {}),
    }),
  );
}

/** The results to report for the phase, or the plan or batch answer that ends the invocation. */
async function checkPhase(
  inv: Invocation,
  phase: RunPhase,
): Promise<TargetResult[] | PlanResult | BatchResult> {
  // The checks compare AWS with policies eks-kit's builders make, whose action names their tests
  // check: no action catalog here (the bundle leaves it out, build/iam-data-left-out.ts).
  const org = inv.config.organization;
  if (phase.kind === 'report') return 'results' in phase ? phase.results : readBatches(inv, phase);
  if (phase.kind === 'batch' && org) return runBatch(inv, org, phase);
  if (org)
    return runOrganization(inv, org, phase.kind === 'plan', phase.kind === 'plan' ? phase.runId : undefined);
  return withoutActionNameValidation(() =>
    checkTargets(inv.clients, inv.config, inv.stack.cluster.region, inv.tasksOf(inv.stack), inv.signal),
  );
}

/** The previous run's state, or why it could not be read (then this run is a first run). */
async function readPreviousState(inv: Invocation): Promise<{ previous?: CheckState; stateError?: string }> {
  const { runBucket, stateParameter } = inv.config;
  if (!stateParameter && !runBucket) return {};
  try {
    // With a run bucket (organisation targets) the state is its object; else the SSM parameter.
    if (runBucket) return { previous: await readCheckStateObject(inv.clients, runBucket) };
    return { previous: await readCheckState(inv.clients, stateParameter as string) };
  } catch (error) {
    const stateError = redactSecrets(formatError(error));
    inv.logger.error('could not read the previous run', { error: stateError });
    return { stateError };
  }
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

/** Compare with the previous run, log, publish the metrics, notify, keep the state: the run's summary. */
async function reportRun(
  inv: Invocation,
  metrics: Metrics,
  phase: RunPhase,
  results: TargetResult[],
): Promise<ChecksResult> {
  // Alert on change: compare with the previous run's failures (a state that cannot be read is a
  // first run: every failure is announced rather than none).
  const { previous, stateError: readError } = await readPreviousState(inv);
  const now = inv.now();
  const compared = compareWithPrevious(previous, results, now, inv.config.reminderDays);
  const summary = summarizeWithChanges(inv.stack.name, results, compared);
  // A split run's batches logged their own findings.
  if (phase.kind !== 'report') logFindings(inv.logger, summary);
  publishSummaryMetrics(metrics, summary);
  const nextState = await notifyChange(inv, summary, compared, previous, now);
  const stateError = await keepState(inv, summary, nextState, readError);
  if (stateError !== undefined) summary.state = { error: stateError };
  logSummary(inv.logger, summary);
  return summary;
}

/**
 * Make a handler. The exported {@link handler} is `createChecksHandler()`; tests inject their
 * environment, credentials and checks.
 *
 * @example
 * ```ts
 * const run = createChecksHandler({ env: { EKS_KIT_STACK: stackJson, AWS_REGION: 'eu-west-1' } });
 * const summary = await run({});
 * summary.counts; // { ok: 12, warn: 1, fail: 0 }
 * ```
 */
export function createChecksHandler(deps: ChecksHandlerDependencies = {}): ChecksHandler {
  // Logger and Metrics are made on the first invocation, not at import (the exported handler is made
  // when the bundle loads: Lambda's init time), and then kept for every invocation of the sandbox.
  // Safe for EMF: publishSummaryMetrics flushes explicitly (publishStoredMetrics) in the invocation.
  let sandboxLogger = deps.logger;
  let sandboxMetrics = deps.metrics;
  const tasksOf = deps.checkTasks ?? stackCheckTasks;
  const run = async (
    event: unknown,
    context: LambdaContextLike | undefined,
  ): Promise<ChecksResult | PlanResult | BatchResult> => {
    sandboxLogger ??= new Logger({ serviceName: DEFAULT_SERVICE_NAME });
    sandboxMetrics ??= new Metrics({
      namespace: DEFAULT_METRICS_NAMESPACE,
      serviceName: DEFAULT_SERVICE_NAME,
    });
    const logger = sandboxLogger;
    const metrics = sandboxMetrics;
    const env = deps.env ?? process.env;
    let base: AwsClients | undefined;
    // One keep-alive socket pool for the invocation: every target's clients (and their AssumeRole)
    // reuse the same connections instead of opening their own (issue 21).
    const connections = createSharedConnections();
    try {
      const config = readHandlerConfig(env);
      const phase = readPhase(event);
      if (phase.kind !== 'whole' && !config.organization) {
        throw new EksKitError(
          'InvalidInput',
          `a "${phase.kind}" event needs EKS_KIT_TARGETS_FROM=organization (a split run)`,
        );
      }
      base = await createClients({
        env,
        ...(config.endpoint ? { endpoint: config.endpoint } : {}),
        connections,
        ...deps.clientOptions,
      });
      const stack = await loadStackFromSource(base, config.stackSource, {
        warn: (message) => logger.warn(message),
      });
      logger.appendKeys({ stack: stack.name });
      const remaining = context?.getRemainingTimeInMillis?.();
      const signal =
        remaining !== undefined
          ? AbortSignal.timeout(Math.max(1_000, remaining - REPORT_RESERVE_MS))
          : undefined;
      const now = deps.now ?? (() => new Date());
      const inv: Invocation = {
        config,
        clients: base,
        stack,
        logger,
        tasksOf,
        signal,
        remaining,
        now,
        rateClock: deps.rateClock,
      };
      const outcome = await checkPhase(inv, phase);
      if (!Array.isArray(outcome)) return outcome;
      return await reportRun(inv, metrics, phase, outcome);
    } catch (error) {
      // Bad configuration or an unreadable stack: the invocation fails (Lambda's Errors metric).
      logger.error('eks-kit checks could not run', { error: redactSecrets(formatError(error)) });
      throw error;
    } finally {
      base?.destroy();
      connections.close();
    }
  };
  return run as ChecksHandler;
}

/**
 * The Lambda entry point (`index.handler` in the bundle `dist/index.mjs`), for EventBridge Scheduler.
 *
 * @example
 * ```ts
 * // template.yaml: Handler: index.handler, Runtime: nodejs22.x
 * const summary = await handler({}, context);
 * ```
 */
export const handler = createChecksHandler();
