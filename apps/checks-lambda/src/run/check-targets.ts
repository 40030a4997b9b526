/**
 * Check every target (the function's own account, or each assumed role) with bounded concurrency.
 * A role that cannot be assumed becomes a `fail` finding for that target; the others still report.
 */
import { type AwsClients, finding, formatError, mapConcurrent } from '@eks-kit/core';
import type { HandlerConfig } from '../config/handler-config.js';
import { redactSecrets } from '../report/redact.js';
import type { TargetResult } from '../report/summary.js';
import type { CheckTask } from './check-task.js';
import { runCheckTasks } from './run-check-tasks.js';
import { assumeRoleTarget } from './target-clients.js';

/** Check id of the finding made when a role cannot be assumed. */
export const ASSUME_ROLE_CHECK = 'checks.assume-role';

/**
 * Run the tasks against each target of `config` (or the base clients' own account when there is none).
 *
 * @example
 * ```ts
 * const results = await checkTargets(base, config, 'eu-west-1', stackCheckTasks(stack));
 * results.map((r) => r.target); // ['self'] or the role ARNs
 * ```
 */
export async function checkTargets(
  base: AwsClients,
  config: Pick<HandlerConfig, 'targets' | 'targetConcurrency' | 'checkConcurrency' | 'checkTimeoutMs'>,
  region: string,
  tasks: readonly CheckTask[],
  signal?: AbortSignal,
): Promise<TargetResult[]> {
  const runOptions = {
    concurrency: config.checkConcurrency,
    timeoutMs: config.checkTimeoutMs,
    ...(signal ? { signal } : {}),
  };
  if (config.targets.length === 0) {
    const clients = region === base.region ? base : base.withRegion(region);
    return [{ target: 'self', region, runs: await runCheckTasks(clients, tasks, runOptions) }];
  }
  return mapConcurrent(config.targets, config.targetConcurrency, async (target) => {
    const label = target.region ? `${target.roleArn}@${target.region}` : target.roleArn;
    const targetRegion = target.region ?? region;
    const started = performance.now();
    let clients: AwsClients;
    try {
      clients = (await assumeRoleTarget(base, target, region, signal)).clients;
    } catch (error) {
      const hint = (error as { hint?: unknown }).hint;
      return {
        target: label,
        region: targetRegion,
        runs: [
          {
            name: ASSUME_ROLE_CHECK,
            outcome: 'threw',
            durationMs: Math.round(performance.now() - started),
            findings: [
              finding(
                ASSUME_ROLE_CHECK,
                target.roleArn,
                'fail',
                `cannot assume ${target.roleArn}: ${redactSecrets(formatError(error))}`,
                {
                  hint:
                    typeof hint === 'string'
                      ? hint
                      : "let the function's role assume it (sts:AssumeRole) and trust that role in the target account",
                  data: { checkError: true },
                },
              ),
            ],
          },
        ],
      };
    }
    try {
      return { target: label, region: targetRegion, runs: await runCheckTasks(clients, tasks, runOptions) };
    } finally {
      clients.destroy();
    }
  });
}
