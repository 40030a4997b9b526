/** The account the clients act in: one STS GetCallerIdentity (a read that needs no permission). */
import type { AwsClients } from './clients.js';
import { wrapAwsError } from './errors.js';
import { isPartition, type Partition, partitionOfRegion } from './validators.js';

/** Who eks-kit runs as. */
export interface AccountInfo {
  accountId: string;
  /** From the caller's ARN; the clients' region's partition when STS gives no ARN. */
  partition: Partition;
  /** The caller's ARN (a user or an assumed role). */
  arn: string;
}

/**
 * The caller's account id, partition and ARN: the one account lookup every package uses (ARNs
 * computed in a dry run, managed policy ARNs, `--account-id` defaults, the stack's runs).
 *
 * @example
 * ```ts
 * const { accountId, partition } = await describeAccount(clients);
 * ```
 */
export async function describeAccount(
  clients: Pick<AwsClients, 'sts' | 'region'>,
  options: { signal?: AbortSignal } = {},
): Promise<AccountInfo> {
  const sts = await clients.sts();
  // Loaded here, not at the top: importing core loads no STS code (issue 21).
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  try {
    const out = await sts.send(
      new GetCallerIdentityCommand({}),
      options.signal ? { abortSignal: options.signal } : {},
    );
    const arn = out.Arn ?? '';
    const partition = arn.split(':')[1];
    return {
      accountId: out.Account ?? '',
      partition: isPartition(partition) ? partition : partitionOfRegion(clients.region),
      arn,
    };
  } catch (error) {
    throw wrapAwsError(error, 'sts:GetCallerIdentity');
  }
}
