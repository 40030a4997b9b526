/** The account id a command needs: `--account-id`, else STS GetCallerIdentity. */
import { type AwsClients, validateAccountId } from '@eks-kit/core';
import { describeAccount } from '@eks-kit/stack';

/**
 * The account id from `--account-id` (checked, no AWS call) or from STS.
 *
 * @example
 * ```ts
 * const accountId = await accountIdOf(options, clients, ctx.signal);
 * ```
 */
export async function accountIdOf(
  options: Record<string, unknown>,
  clients: AwsClients,
  signal?: AbortSignal,
): Promise<string> {
  if (options.accountId !== undefined) return validateAccountId(options.accountId, '--account-id');
  return (await describeAccount(clients, signal ? { signal } : {})).accountId;
}

/**
 * Check `--account-id` before any AWS call (commands call this first).
 *
 * @example
 * ```ts
 * checkAccountOption(options);
 * ```
 */
export function checkAccountOption(options: Record<string, unknown>): void {
  if (options.accountId !== undefined) validateAccountId(options.accountId, '--account-id');
}
