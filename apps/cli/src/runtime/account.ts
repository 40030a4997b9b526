/** The account id a command needs: `--account-id`, else STS GetCallerIdentity. */
import type { AwsClients } from '@eks-kit/core';
import { describeAccount } from '@eks-kit/stack';
import { type AccountIdOption, optionValue } from './options.js';

/**
 * The account id from `--account-id` (checked, no AWS call) or from STS.
 *
 * @example
 * ```ts
 * const accountId = await accountIdOf(options, clients, ctx.signal);
 * ```
 */
export async function accountIdOf(
  options: AccountIdOption,
  clients: AwsClients,
  signal?: AbortSignal,
): Promise<string> {
  if (options.accountId !== undefined) return optionValue(options.accountId);
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
export function checkAccountOption(options: AccountIdOption): void {
  if (options.accountId !== undefined) optionValue(options.accountId);
}
