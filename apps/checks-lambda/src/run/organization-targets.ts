/**
 * Targets from AWS Organizations: every account (or the accounts under some OUs, nested OUs included),
 * one role name assumed in each, one target per account and region; and the plan that says before
 * the first check whether one invocation can finish them, or how to split them across invocations.
 */
import type { Account, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
} from '@aws-sdk/client-organizations';
import { type AwsClients, EksKitError, wrapAwsError } from '@eks-kit/core';
import type { AssumeRoleTarget, OrganizationSource } from '../config/handler-config.js';
import { type RunTiming, secondsPerTargetOf } from '../report/run-timing.js';
import { targetLabel } from './check-targets.js';
import { REPORT_RESERVE_MS } from './invocation.js';

/** Organizations pages hold at most 20 accounts (ListAccounts `MaxResults`, Organizations API Reference). */
export const ORGANIZATIONS_PAGE_SIZE = 20;

/**
 * The accounts' states that are checked. `State` replaced `Status` (retired on 2026-09-09, SDK Account
 * model 3.1169.0); both are read, `State` first. Any other state (SUSPENDED, PENDING_CLOSURE, CLOSED,
 * PENDING_ACTIVATION) is reported as skipped without a call: such an account cannot be used.
 */
const CHECKED_STATE = 'ACTIVE';

/** The partition of a region, for role ARNs (`aws`, `aws-cn`, `aws-us-gov`). */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * List the organisation's accounts (or those under `source.parentIds`, recursively) and make one
 * target per account and region: `accountId@region`, the role `arn:<partition>:iam::<id>:role/<roleName>`.
 * Accounts not ACTIVE are targets with `skip` set (reported, never called). Each account appears once
 * even when two given OUs overlap.
 *
 * @example
 * ```ts
 * const targets = await resolveOrganizationTargets(base, { parentIds: ['ou-ab12-prod0001'], roleName: 'eks-kit-checks', regions: ['eu-west-1'], assumeRolePerSecond: 10, secondsPerTarget: 30, batchConcurrency: 4 }, 'eu-west-1');
 * targets[0]; // { label: '111111111111@eu-west-1', roleArn: 'arn:aws:iam::111111111111:role/eks-kit-checks', region: 'eu-west-1', accountId: '111111111111', accountName: 'prod-a' }
 * ```
 */
export async function resolveOrganizationTargets(
  base: AwsClients,
  source: OrganizationSource,
  defaultRegion: string,
  signal?: AbortSignal,
): Promise<AssumeRoleTarget[]> {
  if (!base.organizations) {
    throw new EksKitError('InvalidInput', 'this client set has no Organizations client');
  }
  const client = await base.organizations();
  const accounts =
    source.parentIds.length === 0
      ? await listAllAccounts(client, signal)
      : await listAccountsUnder(client, source.parentIds, signal);
  const regions = source.regions.length > 0 ? source.regions : [defaultRegion];
  const seen = new Set<string>();
  const targets: AssumeRoleTarget[] = [];
  for (const account of accounts) {
    const id = account.Id;
    if (!id || seen.has(id)) continue;
    seen.add(id);
    const state = account.State ?? account.Status ?? 'UNKNOWN';
    for (const region of regions) {
      targets.push({
        label: `${id}@${region}`,
        roleArn: `arn:${partitionOf(region)}:iam::${id}:role/${source.roleName}`,
        region,
        accountId: id,
        ...(account.Name ? { accountName: account.Name } : {}),
        ...(state === CHECKED_STATE ? {} : { skip: `account is ${state}` }),
      });
    }
  }
  return targets;
}

async function listAllAccounts(client: OrganizationsClient, signal?: AbortSignal): Promise<Account[]> {
  const out: Account[] = [];
  let token: string | undefined;
  do {
    signal?.throwIfAborted();
    const page = await client
      .send(new ListAccountsCommand({ MaxResults: ORGANIZATIONS_PAGE_SIZE, NextToken: token }), {
        abortSignal: signal,
      })
      .catch((error: unknown) => {
        throw wrapAwsError(error, 'organizations:ListAccounts', 'organization');
      });
    out.push(...(page.Accounts ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

/** Accounts under the given roots or OUs, depth first, nested OUs included (each OU read once). */
async function listAccountsUnder(
  client: OrganizationsClient,
  parentIds: readonly string[],
  signal?: AbortSignal,
): Promise<Account[]> {
  const out: Account[] = [];
  const visited = new Set<string>();
  const stack = [...parentIds].reverse();
  while (stack.length > 0) {
    const parentId = stack.pop() as string;
    if (visited.has(parentId)) continue;
    visited.add(parentId);
    let token: string | undefined;
    do {
      signal?.throwIfAborted();
      const page = await client
        .send(
          new ListAccountsForParentCommand({
            ParentId: parentId,
            MaxResults: ORGANIZATIONS_PAGE_SIZE,
            NextToken: token,
          }),
          { abortSignal: signal },
        )
        .catch((error: unknown) => {
          throw wrapAwsError(error, 'organizations:ListAccountsForParent', parentId);
        });
      out.push(...(page.Accounts ?? []));
      token = page.NextToken;
    } while (token);
    const children: string[] = [];
    do {
      const page = await client
        .send(
          new ListOrganizationalUnitsForParentCommand({
            ParentId: parentId,
            MaxResults: ORGANIZATIONS_PAGE_SIZE,
            NextToken: token,
          }),
          { abortSignal: signal },
        )
        .catch((error: unknown) => {
          throw wrapAwsError(error, 'organizations:ListOrganizationalUnitsForParent', parentId);
        });
      for (const ou of page.OrganizationalUnits ?? []) if (ou.Id) children.push(ou.Id);
      token = page.NextToken;
    } while (token);
    stack.push(...children.reverse());
  }
  return out;
}

/** Whether the targets fit in one invocation, and how to split them when they do not. */
export interface RunPlan {
  /** Targets to check (skipped ones excluded). */
  targets: number;
  /** Accounts to assume a role in (one AssumeRole each, whatever the number of regions). */
  accounts: number;
  /** Estimated seconds for one invocation to check them all. */
  estimateSeconds: number;
  /** Seconds the invocation has for checks (its remaining time less the reserve for the report). */
  limitSeconds: number;
  /** The AssumeRole quota's share of the estimate: accounts / rate. */
  assumeRoleFloorSeconds: number;
  /** Seconds a target is planned at. */
  secondsPerTarget: number;
  /**
   * Where {@link secondsPerTarget} comes from: `EKS_KIT_SECONDS_PER_TARGET`, `measured by the run of
   * <time>: p90 <s> s x 2 (<n> targets)`, or `default` (with why a stored timing was not used, if any).
   */
  secondsPerTargetSource: string;
  fits: boolean;
  /**
   * Set when no split can fit: one account's targets (its regions share one AssumeRole and stay in one
   * batch) are planned at more than `limitSeconds` on their own. `target` is its first target's label.
   */
  tooLongAlone?: { target: string; targets: number; estimateSeconds: number };
  /** Targets per batch when split, each batch sized to finish inside `limitSeconds`. */
  batches: Array<{ targets: AssumeRoleTarget[] }>;
  /** One line saying what was decided and why. */
  message: string;
}

/**
 * Estimate the run and cut it into batches that each fit one invocation: a batch of `n` targets at
 * `targetConcurrency` takes `ceil(n / targetConcurrency) * secondsPerTarget`, and its accounts' AssumeRole
 * calls at `assumeRolePerSecond / batchConcurrency` (the batches share the caller account's STS rate).
 * Targets of one account stay in one batch (one AssumeRole per account). Skipped targets ride along in
 * the first batches (they cost nothing). `secondsPerTarget` is `EKS_KIT_SECONDS_PER_TARGET` when set,
 * else the last run's measured `timing` (its p90 x 2, report/run-timing.ts), else 30.
 *
 * @example
 * ```ts
 * const plan = planRun(targets, { targetConcurrency: 8, organization }, 290);
 * plan.fits; // false for 1,000 accounts at 30 s each
 * plan.batches.length; // 13
 * planRun(targets, { targetConcurrency: 8, organization, timing: previousTiming }, 290).secondsPerTarget; // 5 after a p90 of 2.4 s
 * ```
 */
export function planRun(
  targets: readonly AssumeRoleTarget[],
  config: {
    targetConcurrency: number;
    organization: OrganizationSource;
    timing?: RunTiming;
    /** Why the stored timing is not used (other run settings, too old): said in the plan's message. */
    timingIgnored?: string;
  },
  limitSeconds: number,
): RunPlan {
  const org = config.organization;
  const perTarget = secondsPerTargetOf(org, config.timing, config.timingIgnored);
  const live = targets.filter((t) => !t.skip);
  const accountsOf = (list: readonly AssumeRoleTarget[]) => new Set(list.map((t) => t.roleArn)).size;
  const estimate = (list: readonly AssumeRoleTarget[], rate: number) =>
    Math.max(
      Math.ceil(list.length / config.targetConcurrency) * perTarget.seconds,
      Math.ceil(accountsOf(list) / rate),
    );
  const accounts = accountsOf(live);
  const estimateSeconds = live.length === 0 ? 0 : estimate(live, org.assumeRolePerSecond);
  const assumeRoleFloorSeconds = Math.ceil(accounts / org.assumeRolePerSecond);
  const fits = estimateSeconds <= limitSeconds;
  let batches: Array<{ targets: AssumeRoleTarget[] }>;
  if (fits) batches = [{ targets: [...targets] }];
  else {
    const batchRate = org.assumeRolePerSecond / org.batchConcurrency;
    // Group by account, then fill batches while the estimate stays inside the limit.
    const byAccount = new Map<string, AssumeRoleTarget[]>();
    for (const t of live) byAccount.set(t.roleArn, [...(byAccount.get(t.roleArn) ?? []), t]);
    batches = [];
    let current: AssumeRoleTarget[] = [];
    for (const group of byAccount.values()) {
      const next = [...current, ...group];
      if (current.length > 0 && estimate(next, batchRate) > limitSeconds) {
        batches.push({ targets: current });
        current = [...group];
      } else current = next;
    }
    if (current.length > 0) batches.push({ targets: current });
    const skipped = targets.filter((t) => t.skip);
    if (batches.length === 0) batches.push({ targets: [] });
    (batches[0] as { targets: AssumeRoleTarget[] }).targets.push(...skipped);
  }
  const figure = `; planned at ${perTarget.seconds} s a target (${perTarget.source})`;
  const alone = fits
    ? undefined
    : largestUnit(
        live,
        (list) => estimate(list, org.assumeRolePerSecond / org.batchConcurrency),
        limitSeconds,
      );
  const need = `${live.length} targets (${accounts} accounts) need about ${estimateSeconds} s`;
  const message = fits
    ? `${need}, inside the ${limitSeconds} s this invocation has: one invocation${figure}`
    : alone
      ? `${need}, more than the ${limitSeconds} s one invocation has, and no split fits: ${tooLongAloneText(alone, limitSeconds)}${figure}`
      : `${need}, more than the ${limitSeconds} s one invocation has: split into ${batches.length} invocations of at most ${limitSeconds} s each (Step Functions Distributed Map, ${org.batchConcurrency} at a time)${figure}`;
  return {
    targets: live.length,
    accounts,
    estimateSeconds,
    limitSeconds,
    assumeRoleFloorSeconds,
    secondsPerTarget: perTarget.seconds,
    secondsPerTargetSource: perTarget.source,
    fits,
    ...(alone ? { tooLongAlone: alone } : {}),
    batches,
    message,
  };
}

/**
 * What to say when one account alone does not fit (issue 21 trial: "split into 8 invocations of at most
 * 5 s each" with a target planned at 100 s): which, its estimate, the budget, and what to change.
 */
function tooLongAloneText(alone: NonNullable<RunPlan['tooLongAlone']>, limitSeconds: number): string {
  const which =
    alone.targets > 1
      ? `the ${alone.targets} targets of the account of ${alone.target} (one AssumeRole, checked together) are planned at ${alone.estimateSeconds} s together`
      : `target ${alone.target} is planned at ${alone.estimateSeconds} s on its own`;
  return `${which}, more than the ${limitSeconds} s an invocation has for its checks (its remaining time less ${REPORT_RESERVE_MS / 1000} s for the report): raise the function's timeout (at most 900 s), or set EKS_KIT_SECONDS_PER_TARGET (--seconds-per-target) lower if that figure is too high`;
}

/**
 * The account whose targets (one batch at least, since its regions share one AssumeRole) are estimated
 * at more than `limitSeconds` on their own, the largest such; undefined when every account fits.
 */
function largestUnit(
  live: readonly AssumeRoleTarget[],
  estimate: (list: readonly AssumeRoleTarget[]) => number,
  limitSeconds: number,
): RunPlan['tooLongAlone'] {
  const byAccount = new Map<string, AssumeRoleTarget[]>();
  for (const t of live) byAccount.set(t.roleArn, [...(byAccount.get(t.roleArn) ?? []), t]);
  let worst: RunPlan['tooLongAlone'];
  for (const group of byAccount.values()) {
    const seconds = estimate(group);
    if (seconds > limitSeconds && (worst === undefined || seconds > worst.estimateSeconds)) {
      const first = group[0] as AssumeRoleTarget;
      worst = { target: targetLabel(first), targets: group.length, estimateSeconds: seconds };
    }
  }
  return worst;
}
