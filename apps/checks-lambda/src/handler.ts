/**
 * The Lambda handler: load the stack, run its checks on every target, log the findings as JSON,
 * publish EMF metrics, notify SNS of failures, and return the summary.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  type AwsClients,
  type ClientOptions,
  createClients,
  createSharedConnections,
  EksKitError,
  formatError,
  type RateLimiterClock,
} from '@eks-kit/core';
import type { Stack } from '@eks-kit/stack';
import { readHandlerConfig } from './config/handler-config.js';
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
import type { CheckTask } from './run/check-task.js';
import { type BatchResult, type Invocation, type PlanResult, REPORT_RESERVE_MS } from './run/invocation.js';
import { type BatchEvent, type PlanEvent, type ReportEvent, type RunPhase, readPhase } from './run/phases.js';

export { type BatchResult, MISSING_BATCHES_CHECK, type PlanResult } from './run/invocation.js';

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
  /** The checks of a stack (default `stackCheckTasks`, loaded with the checks' code); tests add a throwing one. */
  checkTasks?: (stack: Stack) => CheckTask[];
  /** The clock (default the system's); tests move it to reach the weekly reminder. */
  now?: () => Date;
  /** Extra client options (tests pass credentials and `maxAttempts`). */
  clientOptions?: Partial<ClientOptions>;
  /** Clock of the AssumeRole token bucket (default real time); tests pass a virtual one. */
  rateClock?: RateLimiterClock;
}

/** The previous run's state, or why it could not be read (then this run is a first run). */
type PreviousState = { previous?: CheckState; stateError?: string };

/** The previous run's state, or why it could not be read (then this run is a first run). */
async function readPreviousState(
  inv: Pick<Invocation, 'config' | 'clients' | 'logger'>,
): Promise<PreviousState> {
  const { runBucket, stateParameter } = inv.config;
  if (!stateParameter && !runBucket) return {};
  try {
    // With a run bucket (organisation targets) the state is its object; else the SSM parameter.
    if (runBucket) return { previous: await readCheckStateObject(inv.clients, runBucket) };
    return { previous: await readCheckState(inv.clients, stateParameter as string) };
  } catch (error) {
    // Never rejects, and logs nothing here: the read starts before the stack's (issue 21), so an
    // invocation that fails first leaves it in flight, cut by the clients' destroy(), and a log line
    // from here would land after the invocation answered (in Lambda: in the next one's log). The run
    // logs this error when it compares with the state (reportRun), with the stack key.
    return { stateError: redactSecrets(formatError(error)) };
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
  previousState: Promise<PreviousState>,
): Promise<ChecksResult> {
  // Alert on change: compare with the previous run's failures (a state that cannot be read is a
  // first run: every failure is announced rather than none).
  const { previous, stateError: readError } = await previousState;
  if (readError !== undefined) inv.logger.error('could not read the previous run', { error: readError });
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
 * The checks' code (`run/run-checks.ts`: a file of its own in the bundle), imported after a turn of the
 * event loop, so that the reads started before it are on the wire while V8 compiles it. Importing it at
 * the top of this file made the function's import 1.46x the import of the SDK clients it uses (issue 21).
 */
async function loadChecksCode(): Promise<typeof import('./run/run-checks.js')> {
  await new Promise((resolve) => setImmediate(resolve));
  try {
    return await import('./run/run-checks.js');
  } catch (error) {
    // A file the deploy left out (looked for again at the next invocation), or code that throws when
    // it loads (Node keeps that module: every later invocation of this sandbox fails alike). Said as
    // such: with the one-file build the same failure was the function's init error.
    throw new EksKitError(
      'ChecksCodeNotLoaded',
      `the checks' code could not be loaded: ${formatError(error)}`,
      {
        hint: "deploy every .mjs file of the build's dist/ together (the deploy:sam script stages them all)",
        cause: error,
      },
    );
  }
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
      const clients = base;
      // The reads that need no checks' code start first (the previous run's state, the stack
      // parameter); the checks' code is loaded and compiled while they are in flight.
      const previousState =
        phase.kind === 'whole' || phase.kind === 'report'
          ? readPreviousState({ config, clients, logger })
          : undefined;
      const stackRead = loadStackFromSource(clients, config.stackSource, {
        warn: (message) => logger.warn(message),
      });
      const checksCode = loadChecksCode();
      // Awaited below; a stack that cannot be read ends the invocation before then.
      checksCode.catch(() => undefined);
      const stack = await stackRead;
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
        tasksOf: deps.checkTasks ?? (await checksCode).stackCheckTasks,
        signal,
        remaining,
        now,
        rateClock: deps.rateClock,
      };
      const outcome = await (await checksCode).checkPhase(inv, phase);
      if (!Array.isArray(outcome)) return outcome;
      return await reportRun(inv, metrics, phase, outcome, previousState ?? readPreviousState(inv));
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
