/**
 * Client sets for each account/region to check: the function's own role, or roles assumed with STS.
 */
import {
  type AssumedRoleUser,
  type AwsClients,
  assumeRoleClients,
  type ClientMiddleware,
  withClientMiddleware,
} from '@eks-kit/core';
import type { AssumeRoleTarget } from '../config/handler-config.js';

/** A client set and the label its findings are reported under. */
export interface CheckTarget {
  /** `self`, or the assumed role's ARN (optionally `@region`). */
  label: string;
  /** Account id when known (from the role ARN). */
  accountId?: string;
  clients: AwsClients;
}

/** Session name of assumed roles, visible in the checked account's CloudTrail. */
export const ASSUME_ROLE_SESSION_NAME = 'eks-kit-checks';

/**
 * Assume `target.roleArn` with the base clients' credentials and make a client set for it.
 * Temporary credentials live 15 minutes (the minimum) and are assumed again 5 minutes before expiry.
 *
 * @example
 * ```ts
 * const base = await createClients({ region: 'eu-west-1' });
 * const target = await assumeRoleTarget(base, { roleArn: 'arn:aws:iam::111111111111:role/eks-kit-checks' }, 'eu-west-1');
 * await target.clients.autoScaling(); // calls account 111111111111
 * ```
 */
export async function assumeRoleTarget(
  base: AwsClients,
  target: AssumeRoleTarget,
  defaultRegion: string,
  signal?: AbortSignal,
): Promise<CheckTarget> {
  signal?.throwIfAborted();
  const region = target.region ?? defaultRegion;
  // @eks-kit/core's assumed-role provider (refreshed before expiry), through the one STS client every
  // target assumed from `base` shares; the target's clients share base's SDK settings (issue 21).
  const assumed = await assumeRoleClients(
    base,
    { roleArn: target.roleArn, sessionName: ASSUME_ROLE_SESSION_NAME, durationSeconds: 900 },
    region,
  );
  // Assume now, so a role that cannot be assumed is one failure before any check runs.
  await assumed.assumeNow();
  const user = assumed.assumedUser();
  return {
    label: target.region ? `${target.roleArn}@${target.region}` : target.roleArn,
    accountId: user?.accountId ?? assumed.accountId,
    // The checks ask who they run as (the account of ARNs, the OIDC provider): the AssumeRole answer
    // already said it, so no sts:GetCallerIdentity goes to the account (issue 21: 1,125 of them for
    // 981 accounts).
    clients: user ? withClientMiddleware(assumed.clients, knownCallerIdentity(user)) : assumed.clients,
  };
}

/**
 * Middleware that answers `sts:GetCallerIdentity` from the session an AssumeRole answered: for
 * assumed-role credentials GetCallerIdentity returns that session's ARN (`assumed-role/<role>/<session>`)
 * and, as `UserId`, its `AssumedRoleId` (STS API Reference, AssumeRole and GetCallerIdentity responses).
 * Every other call goes to AWS.
 *
 * @example
 * ```ts
 * const clients = withClientMiddleware(assumed.clients, knownCallerIdentity(assumed.assumedUser()!));
 * await describeAccount(clients); // no call: { accountId: '111111111111', ... }
 * ```
 */
export function knownCallerIdentity(user: AssumedRoleUser): ClientMiddleware {
  return {
    name: 'eksKitKnownCallerIdentity',
    step: 'initialize',
    handler:
      ({ service }) =>
      (next, context) =>
        service === 'sts'
          ? async (args) =>
              context.commandName === 'GetCallerIdentityCommand'
                ? {
                    output: {
                      $metadata: {},
                      Account: user.accountId,
                      Arn: user.arn,
                      UserId: user.assumedRoleId,
                    },
                  }
                : next(args)
          : next,
  };
}
