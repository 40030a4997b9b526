/**
 * Check every target (the function's own account, or each assumed role) with bounded concurrency.
 * A role that cannot be assumed becomes a `fail` finding for that target; the others still report.
 * Targets of one role (one account in several regions) share one AssumeRole; a target marked `skip`
 * (a suspended account) is reported as skipped without any call.
 */
import {
  type AwsClients,
  createRateLimiter,
  deniedPrincipal,
  finding,
  mapConcurrent,
  type RateLimiterClock,
} from '@eks-kit/core';
import type { AssumeRoleTarget, HandlerConfig } from '../config/handler-config.js';
import { redactSecrets } from '../report/redact.js';
import type { TargetResult } from '../report/summary.js';
import type { CheckRun, CheckTask } from './check-task.js';
import { runCheckTasks } from './run-check-tasks.js';
import { assumeRoleTarget } from './target-clients.js';

/** Check id of the finding made when a role cannot be assumed. */
export const ASSUME_ROLE_CHECK = 'checks.assume-role';

/** Options of {@link checkTargets} beyond the handler's settings. */
export interface CheckTargetsOptions {
  signal?: AbortSignal;
  /** Targets to check instead of `config.targets` (targets from Organizations, one batch of them). */
  targets?: readonly AssumeRoleTarget[];
  /** AssumeRole calls a second this invocation may make (a token bucket in front of STS); absent: no limit. */
  assumeRolePerSecond?: number;
  /** The token bucket's clock (default real time); tests pass a virtual one so pacing is arithmetic, not waiting. */
  clock?: RateLimiterClock;
  /**
   * Milliseconds from a fixed point, for each target's `durationMs` (default `performance.now`); tests
   * pass a virtual one so that the recorded times are the ones they set, not the machine's speed.
   */
  now?: () => number;
}

/** The label a target's findings are reported under. */
export function targetLabel(target: AssumeRoleTarget): string {
  return target.label ?? (target.region ? `${target.roleArn}@${target.region}` : target.roleArn);
}

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
  signalOrOptions?: AbortSignal | CheckTargetsOptions,
): Promise<TargetResult[]> {
  const options: CheckTargetsOptions =
    signalOrOptions instanceof AbortSignal ? { signal: signalOrOptions } : (signalOrOptions ?? {});
  const signal = options.signal;
  const runOptions = {
    concurrency: config.checkConcurrency,
    timeoutMs: config.checkTimeoutMs,
    ...(signal ? { signal } : {}),
  };
  const targets = options.targets ?? config.targets;
  if (targets.length === 0 && options.targets === undefined) {
    const clients = region === base.region ? base : base.withRegion(region);
    return [{ target: 'self', region, runs: await runCheckTasks(clients, tasks, runOptions) }];
  }
  const limiter =
    options.assumeRolePerSecond !== undefined && options.assumeRolePerSecond > 0
      ? createRateLimiter({
          ratePerSecond: options.assumeRolePerSecond,
          burst: 1,
          ...(options.clock ? { clock: options.clock } : {}),
        })
      : undefined;
  // One group per role (an account in several regions): one AssumeRole, regions checked in turn.
  const groups = new Map<string, Array<{ target: AssumeRoleTarget; index: number }>>();
  targets.forEach((target, index) => {
    const key = target.skip ? `skip:${index}` : target.roleArn;
    groups.set(key, [...(groups.get(key) ?? []), { target, index }]);
  });
  const out: TargetResult[] = new Array(targets.length);
  await mapConcurrent([...groups.values()], config.targetConcurrency, async (group) => {
    const first = (group[0] as { target: AssumeRoleTarget }).target;
    const identity = (t: AssumeRoleTarget) => ({
      ...(t.accountId ? { accountId: t.accountId } : {}),
      ...(t.accountName ? { accountName: t.accountName } : {}),
    });
    if (first.skip) {
      for (const { target, index } of group) {
        out[index] = {
          target: targetLabel(target),
          region: target.region ?? region,
          ...identity(target),
          skipped: target.skip,
          runs: [],
        };
      }
      return;
    }
    const started = performance.now();
    const clock = options.now ?? (() => performance.now());
    let assumed: AwsClients | undefined;
    let failure: CheckRun | undefined;
    // A target's time runs from its AssumeRole (the first region's) to its last check, without the
    // wait for the AssumeRole token bucket: the plan counts that rate on its own (planRun).
    let lap = 0;
    try {
      await limiter?.acquire(signal);
      lap = clock();
      assumed = (await assumeRoleTarget(base, { roleArn: first.roleArn }, region, signal)).clients;
    } catch (error) {
      failure = assumeFailure(first.roleArn, error, Math.round(performance.now() - started));
      // Not reached before the invocation's deadline (the token bucket's wait or AssumeRole cut): said so,
      // so that the report does not take this run's timing as complete.
      if (signal?.aborted) failure.stopped = true;
    }
    try {
      for (const { target, index } of group) {
        const targetRegion = target.region ?? region;
        const label = targetLabel(target);
        if (!assumed || failure) {
          out[index] = {
            target: label,
            region: targetRegion,
            ...identity(target),
            runs: [failure as CheckRun],
          };
          continue;
        }
        const clients = targetRegion === assumed.region ? assumed : assumed.withRegion(targetRegion);
        try {
          const runs = await runCheckTasks(clients, tasks, runOptions);
          const end = clock();
          // Timed only when every check completed: a check that timed out or threw (or that the
          // invocation's deadline stopped, `runOneTask` answering at once) cuts the target's time short,
          // and an account's later regions would record about 0 ms (issue 21 review, item 1a).
          const complete = runs.every((run) => run.outcome === 'completed');
          out[index] = {
            target: label,
            region: targetRegion,
            ...identity(target),
            ...(complete ? { durationMs: Math.max(0, Math.round(end - lap)) } : {}),
            runs,
          };
          lap = end;
        } finally {
          if (clients !== assumed) clients.destroy();
        }
      }
    } finally {
      assumed?.destroy();
    }
  });
  return out;
}

/**
 * Which side refused an AssumeRole, from the context AWS adds to an AccessDenied message: the caller's
 * own policies ("because no identity-based policy allows the sts:AssumeRole action", "with an explicit
 * deny in a service control policy", a permissions boundary or a session policy), or the role's side: a
 * resource-based policy named, or no context at all, which is how STS answers a role whose trust policy
 * does not name the caller and a role that does not exist (IAM User Guide, "Troubleshoot access denied
 * error messages", https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html, read
 * 2026-12-07; docs/AWS-FACTS.md#checks-over-an-aws-organisation). `undefined`: not an AccessDenied.
 *
 * @example
 * ```ts
 * assumeDeniedBy(new Error('User: arn:aws:sts::1:assumed-role/f/s is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::2:role/r')); // 'role'
 * assumeDeniedBy(new Error('... on resource: arn:aws:iam::2:role/r because no identity-based policy allows the sts:AssumeRole action')); // 'caller'
 * ```
 */
export function assumeDeniedBy(error: unknown): 'caller' | 'role' | undefined {
  const code = (error as { code?: unknown; name?: unknown }).code ?? (error as { name?: unknown }).name;
  const text = rawMessage(error);
  if (!/AccessDenied/.test(String(code)) && !/AccessDenied|not authorized/.test(text)) return undefined;
  return /(because no|with an explicit deny in an?) (identity-based policy|permissions boundary|session policy|service control policy)/i.test(
    text,
  )
    ? 'caller'
    : 'role';
}

/** The error's own message in one line, without the generic hint an eks-kit error carries. */
function rawMessage(error: unknown): string {
  if (error instanceof Error) return error.message.replace(/\s+/g, ' ').trim();
  return String(error);
}

/** The role a session ARN (`arn:<p>:sts::<account>:assumed-role/<role>/<session>`) belongs to. */
function callerRole(error: unknown): string | undefined {
  const principal = deniedPrincipal(rawMessage(error));
  const session = principal && /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(principal);
  return session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : principal;
}

function assumeFailure(roleArn: string, error: unknown, durationMs: number): CheckRun {
  const deniedBy = assumeDeniedBy(error);
  const detail = redactSecrets(rawMessage(error));
  const caller = callerRole(error);
  const callerText = caller ? ` (${caller})` : '';
  const account = /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1];
  // The error's own hint (core's generic "grant <action> to the identity eks-kit runs as") fits neither
  // side of an AssumeRole over an organisation: each side gets its own fix, and the message carries the
  // AWS answer once, without that hint (issue 21 trial).
  const [message, hint] =
    deniedBy === 'role'
      ? [
          `cannot assume ${roleArn}: the role is missing or its trust policy does not allow this function (${detail})`,
          `create the role in ${account ? `account ${account}` : 'that account'} (e.g. with a CloudFormation StackSet over the organisation) with a trust policy that allows sts:AssumeRole to the function's role${callerText}`,
        ]
      : deniedBy === 'caller'
        ? [
            `cannot assume ${roleArn}: this function's own policies do not allow it to call sts:AssumeRole on the role (${detail})`,
            `allow sts:AssumeRole on ${roleArn} to the function's role${callerText} (the deploy template's eks-kit-checks-runtime policy grants it), and check that no permissions boundary or service control policy of the function's account denies it`,
          ]
        : [
            `cannot assume ${roleArn}: ${detail}`,
            typeof (error as { hint?: unknown }).hint === 'string'
              ? String((error as { hint: string }).hint)
              : "create the role in that account (e.g. with a CloudFormation StackSet over the organisation) and trust the function's role in it",
          ];
  return {
    name: ASSUME_ROLE_CHECK,
    outcome: 'threw',
    durationMs,
    findings: [
      finding(ASSUME_ROLE_CHECK, roleArn, 'fail', message, {
        hint,
        data: {
          checkError: true,
          ...(deniedBy === 'role' ? { roleMissingOrDenied: true } : {}),
          ...(deniedBy === 'caller' ? { callerDenied: true } : {}),
        },
      }),
    ],
  };
}
