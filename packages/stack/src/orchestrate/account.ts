/** The account the clients act in (STS GetCallerIdentity, a read that needs no permission). */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { type AwsClients, type Partition, partitionOfRegion, wrapAwsError } from '@eks-kit/core';

/** Who eks-kit runs as. */
export interface AccountInfo {
  accountId: string;
  partition: Partition;
  /** The caller's ARN (a user or an assumed role). */
  arn: string;
}

/**
 * The caller's account id, partition and ARN.
 *
 * @example
 * ```ts
 * const { accountId } = await describeAccount(clients);
 * ```
 */
export async function describeAccount(
  clients: AwsClients,
  options: { signal?: AbortSignal } = {},
): Promise<AccountInfo> {
  const sts = await clients.sts();
  try {
    const out = await sts.send(
      new GetCallerIdentityCommand({}),
      options.signal ? { abortSignal: options.signal } : {},
    );
    const arn = out.Arn ?? '';
    return {
      accountId: out.Account ?? '',
      partition: (arn.split(':')[1] as Partition | undefined) ?? partitionOfRegion(clients.region),
      arn,
    };
  } catch (error) {
    throw wrapAwsError(error, 'sts:GetCallerIdentity');
  }
}
