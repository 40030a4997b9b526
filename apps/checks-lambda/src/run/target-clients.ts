/**
 * Client sets for each account/region to check: the function's own role, or roles assumed with STS.
 */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { type AwsClients, createClients, parseArn, wrapAwsError } from '@eks-kit/core';
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
 * Temporary credentials live 15 minutes (the minimum), longer than a Lambda invocation.
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
  const sts = await base.sts();
  let credentials:
    | { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date }
    | undefined;
  try {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: target.roleArn,
        RoleSessionName: ASSUME_ROLE_SESSION_NAME,
        DurationSeconds: 900,
      }),
      signal ? { abortSignal: signal } : {},
    );
    credentials = out.Credentials;
  } catch (error) {
    throw wrapAwsError(error, 'sts:AssumeRole', target.roleArn);
  }
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
    throw wrapAwsError(new Error('AssumeRole returned no credentials'), 'sts:AssumeRole', target.roleArn);
  }
  const region = target.region ?? defaultRegion;
  const clients = await createClients({
    region,
    ...(base.options.endpoint ? { endpoint: base.options.endpoint } : {}),
    ...(base.options.maxAttempts ? { maxAttempts: base.options.maxAttempts } : {}),
    credentials: {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
      ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
    },
  });
  return {
    label: target.region ? `${target.roleArn}@${target.region}` : target.roleArn,
    accountId: parseArn(target.roleArn).accountId,
    clients,
  };
}
