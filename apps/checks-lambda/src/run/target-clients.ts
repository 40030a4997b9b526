/**
 * Client sets for each account/region to check: the function's own role, or roles assumed with STS.
 */
import { type AwsClients, assumeRoleClients } from '@eks-kit/core';
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
  // @eks-kit/core's assumed-role provider (the SDK's fromTemporaryCredentials, refreshed before expiry).
  const assumed = await assumeRoleClients(
    base,
    { roleArn: target.roleArn, sessionName: ASSUME_ROLE_SESSION_NAME, durationSeconds: 900 },
    region,
  );
  // Assume now, so a role that cannot be assumed is one failure before any check runs.
  await assumed.assumeNow();
  return {
    label: target.region ? `${target.roleArn}@${target.region}` : target.roleArn,
    accountId: assumed.accountId,
    clients: assumed.clients,
  };
}
