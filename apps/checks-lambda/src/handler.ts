/**
 * The Lambda handler: load the stack, run its checks on every target, log the findings as JSON,
 * publish EMF metrics, notify SNS of failures, and return the summary.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { RateLimiterClock } from '@eks-kit/core';
import {
  type AwsClients,
  type ClientOptions,
  createClients,
  createSharedConnections,
  EksKitError,
  formatError,
} from '@eks-kit/core/clients';
import type { Stack } from '@eks-kit/stack';
import { readHandlerConfig } from './config/handler-config.js';
import { loadStackFromSource } from './config/load-stack.js';
import { DEFAULT_SERVICE_NAME } from './report/publish-metrics.js';
import { redactSecrets } from './report/redact.js';
import { readCheckState, readCheckStateObject } from './report/state-store.js';
import type { CheckTask } from './run/check-task.js';
import {
  type BatchResult,
  type ChecksResult,
  type Invocation,
  type PlanResult,
  type PreviousState,
  REPORT_RESERVE_MS,
  type ReportResult,
} from './run/invocation.js';
import { type BatchEvent, type PlanEvent, type ReportEvent, readPhase } from './run/phases.js';

export {
  type BatchResult,
  type ChangeEntry,
  type ChecksResult,
  MISSING_BATCHES_CHECK,
  type PlanResult,
  type ReportResult,
} from './run/invocation.js';

/** The part of the Lambda context the handler uses. */
export interface LambdaContextLike {
  getRemainingTimeInMillis?: () => number;
  awsRequestId?: string;
}

/** The handler: a whole run for the schedule's event, or one step of a split run. */
export interface ChecksHandler {
  (event: PlanEvent, context?: LambdaContextLike): Promise<PlanResult>;
  (event: BatchEvent, context?: LambdaContextLike): Promise<BatchResult>;
  (event: ReportEvent, context?: LambdaContextLike): Promise<ReportResult>;
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
  /**
   * Milliseconds from a fixed point for each target's wall time, which the report keeps for the next
   * plan (default `performance.now`); tests pass a virtual one that their checks move.
   */
  targetClock?: () => number;
}

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
  // when the bundle loads: Lambda's init time), and then kept for every invocation of the sandbox:
  // the Logger at its start, Metrics at its first report. Safe for EMF: publishSummaryMetrics flushes
  // explicitly (publishStoredMetrics) in the invocation.
  let sandboxLogger = deps.logger;
  let sandboxMetrics = deps.metrics;
  const run = async (
    event: unknown,
    context: LambdaContextLike | undefined,
  ): Promise<ChecksResult | PlanResult | BatchResult | ReportResult> => {
    sandboxLogger ??= new Logger({ serviceName: DEFAULT_SERVICE_NAME });
    const logger = sandboxLogger;
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
      // parameter); the checks' code is loaded and compiled while they are in flight. An organisation
      // run's plan step reads the state too (one more GetObject), for the last run's time a target,
      // unless EKS_KIT_SECONDS_PER_TARGET is set (then the setting is the plan's figure).
      const wantsState =
        phase.kind === 'whole' ||
        phase.kind === 'report' ||
        (phase.kind === 'plan' && config.organization?.secondsPerTargetSet !== true);
      const previousState = wantsState ? readPreviousState({ config, clients, logger }) : undefined;
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
      const code = await checksCode;
      const inv: Invocation = {
        config,
        clients,
        stack,
        logger,
        tasksOf: deps.checkTasks ?? code.stackCheckTasks,
        signal,
        remaining,
        now,
        rateClock: deps.rateClock,
        ...(previousState ? { previousState } : {}),
        ...(deps.targetClock ? { targetClock: deps.targetClock } : {}),
      };
      const outcome = await code.checkPhase(inv, phase);
      if (!Array.isArray(outcome)) return outcome;
      // Metrics are made at the first report (Powertools Metrics comes with the checks' code).
      sandboxMetrics ??= code.newMetrics();
      const summary = await code.reportRun(
        inv,
        sandboxMetrics,
        phase,
        outcome,
        previousState ?? readPreviousState(inv),
      );
      // The state machine's Report task gets counts only: its raw result must stay under Step Functions'
      // 256 KiB whatever the number of targets (docs/AWS-FACTS.md#checks-over-an-aws-organisation, "A
      // task's raw result"). A whole run (the schedule's event) answers the whole summary.
      // With a run bucket the whole summary is written there (runs/<runId>/report.json).
      return phase.kind === 'report' ? await code.reportPhaseAnswer(inv, phase, summary) : summary;
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
