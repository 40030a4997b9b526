/**
 * The Lambda handler: load the stack, run its checks on every target, log the findings as JSON,
 * publish EMF metrics, notify SNS of failures, and return the summary.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { type AwsClients, type ClientOptions, createClients, formatError } from '@eks-kit/core';
import { withoutActionNameValidation } from '@eks-kit/iam-policies';
import type { Stack } from '@eks-kit/stack';
import { stackCheckTasks } from './checks/stack-check-tasks.js';
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
import { readCheckState, writeCheckState } from './report/state-store.js';
import { type ChecksSummary, summarizeRuns } from './report/summary.js';
import { checkTargets } from './run/check-targets.js';
import type { CheckTask } from './run/check-task.js';

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
}

/** Time kept back from the Lambda's deadline to log and publish the summary. */
const REPORT_RESERVE_MS = 10_000;

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
export function createChecksHandler(
  deps: ChecksHandlerDependencies = {},
): (event?: unknown, context?: LambdaContextLike) => Promise<ChecksResult> {
  // Logger and Metrics are made on the first invocation, not at import (the exported handler is made
  // when the bundle loads: Lambda's init time), and then kept for every invocation of the sandbox.
  // Safe for EMF: publishSummaryMetrics flushes explicitly (publishStoredMetrics) in the invocation.
  let sandboxLogger = deps.logger;
  let sandboxMetrics = deps.metrics;
  const tasksOf = deps.checkTasks ?? stackCheckTasks;
  return async (_event, context) => {
    sandboxLogger ??= new Logger({ serviceName: DEFAULT_SERVICE_NAME });
    sandboxMetrics ??= new Metrics({
      namespace: DEFAULT_METRICS_NAMESPACE,
      serviceName: DEFAULT_SERVICE_NAME,
    });
    const logger = sandboxLogger;
    const metrics = sandboxMetrics;
    const env = deps.env ?? process.env;
    let base: AwsClients | undefined;
    try {
      const config = readHandlerConfig(env);
      base = await createClients({
        env,
        ...(config.endpoint ? { endpoint: config.endpoint } : {}),
        ...deps.clientOptions,
      });
      const stack = await loadStackFromSource(base, config.stackSource);
      logger.appendKeys({ stack: stack.name });
      const remaining = context?.getRemainingTimeInMillis?.();
      const signal =
        remaining !== undefined
          ? AbortSignal.timeout(Math.max(1_000, remaining - REPORT_RESERVE_MS))
          : undefined;
      // The checks compare AWS with policies eks-kit's builders make, whose action names their tests
      // check: no action catalog here (the bundle leaves it out, build/iam-data-left-out.ts).
      const clients = base;
      const results = await withoutActionNameValidation(() =>
        checkTargets(clients, config, stack.cluster.region, tasksOf(stack), signal),
      );
      const base0 = base;
      // Alert on change: compare with the previous run's failures (a state that cannot be read is a
      // first run: every failure is announced rather than none).
      let previous: CheckState | undefined;
      let stateError: string | undefined;
      if (config.stateParameter) {
        try {
          previous = await readCheckState(base0, config.stateParameter);
        } catch (error) {
          stateError = redactSecrets(formatError(error));
          logger.error('could not read the previous run', { error: stateError });
        }
      }
      const now = (deps.now ?? (() => new Date()))();
      const compared = compareWithPrevious(previous, results, now, config.reminderDays);
      const strip = (list: ChangedFailure[]): ChangeEntry[] => list.map(({ finding: _f, ...rest }) => rest);
      const summary: ChecksResult = {
        ...summarizeRuns(stack.name, results),
        changes: {
          notice: compared.changes.notice,
          ...(compared.changes.previousRunAt ? { previousRunAt: compared.changes.previousRunAt } : {}),
          newFailures: strip(compared.changes.newFailures),
          resolved: strip(compared.changes.resolved),
          stillFailing: strip(compared.changes.stillFailing),
        },
      };
      logFindings(logger, summary);
      publishSummaryMetrics(metrics, summary);
      let nextState: CheckState | undefined = compared.state;
      const notice = changeNotice(summary, compared.changes);
      if (config.snsTopicArn && notice) {
        try {
          const messageId = await publishNotice(base0, config.snsTopicArn, notice);
          if (messageId) summary.notification = { kind: compared.changes.notice, messageId };
        } catch (error) {
          const message = redactSecrets(formatError(error));
          summary.notification = { kind: compared.changes.notice, error: message };
          logger.error('could not publish the notice', { error: message });
          // Not announced: keep the previous failures so that the next run announces the change.
          nextState = previous ? { ...previous, lastRunAt: now.toISOString() } : undefined;
        }
      }
      if (config.stateParameter && nextState && stateError === undefined) {
        try {
          const { dropped } = await writeCheckState(base0, config.stateParameter, nextState);
          summary.state = { written: true, dropped };
        } catch (error) {
          stateError = redactSecrets(formatError(error));
          logger.error('could not keep this run for the next one', { error: stateError });
        }
      }
      if (stateError !== undefined) summary.state = { error: stateError };
      logSummary(logger, summary);
      return summary;
    } catch (error) {
      // Bad configuration or an unreadable stack: the invocation fails (Lambda's Errors metric).
      logger.error('eks-kit checks could not run', { error: redactSecrets(formatError(error)) });
      throw error;
    } finally {
      base?.destroy();
    }
  };
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
