/**
 * Surviving IAM's eventual consistency: a role used as a principal right after it is created makes
 * CreateRole/UpdateAssumeRolePolicy fail with `MalformedPolicyDocument: Invalid principal in policy`
 * for seconds to about a minute (docs/AWS-FACTS.md#iam-propagation-delay; terraform-provider-aws#1388 retries the same way).
 */
import { awsErrorCode, EksKitError, type EnsureOptions, poll } from '@eks-kit/core';

/** Timing of the retries while a principal propagates (real milliseconds). */
export interface PropagationRetry {
  /** Give up after this long (default 120,000 ms). */
  timeoutMs?: number;
  /** First delay (default 2,000 ms). */
  initialDelayMs?: number;
  /** Delay cap (default 10,000 ms). */
  maxDelayMs?: number;
}

/**
 * True for IAM's "principal not yet visible" error.
 *
 * @example
 * ```ts
 * isInvalidPrincipalError(err); // true for MalformedPolicyDocument: Invalid principal in policy: ...
 * ```
 */
export function isInvalidPrincipalError(error: unknown): boolean {
  const code = awsErrorCode(error) ?? '';
  const message = error instanceof Error ? error.message : '';
  return /MalformedPolicyDocument/.test(code) && /invalid principal/i.test(message);
}

/**
 * Run `call`, retrying with backoff while IAM answers `Invalid principal in policy`, with a
 * `retry` event before each wait; other errors end at once. After the deadline, throws an
 * {@link EksKitError} `InvalidPrincipal` saying the principal may not exist.
 *
 * @example
 * ```ts
 * await retryWhilePrincipalPropagates(() => iam.send(new CreateRoleCommand(input)), 'iam role ca', options);
 * ```
 */
export async function retryWhilePrincipalPropagates<T>(
  call: () => Promise<T>,
  resource: string,
  options: EnsureOptions & { propagation?: PropagationRetry } = {},
): Promise<T> {
  let lastError: unknown;
  try {
    return await poll<T>(
      async () => {
        try {
          return { done: true, value: await call() };
        } catch (error) {
          if (!isInvalidPrincipalError(error)) throw error;
          lastError = error;
          return { done: false, status: 'Invalid principal in policy' };
        }
      },
      {
        timeoutMs: options.propagation?.timeoutMs ?? 120_000,
        initialDelayMs: options.propagation?.initialDelayMs ?? 2_000,
        maxDelayMs: options.propagation?.maxDelayMs ?? 10_000,
        factor: 1.5,
        ...(options.signal ? { signal: options.signal } : {}),
        description: `IAM to accept the principals of ${resource}`,
        onAttempt: ({ attempt, delayMs }) =>
          options.onEvent?.({
            type: 'retry',
            resource,
            attempt,
            delayMs,
            message: `IAM does not see a principal of ${resource} yet (new roles take up to a minute to propagate); retry ${attempt} in ${delayMs} ms`,
          }),
      },
    );
  } catch (error) {
    if (error instanceof EksKitError && error.code === 'Timeout' && lastError !== undefined) {
      throw new EksKitError(
        'InvalidPrincipal',
        `${resource}: IAM still refuses a principal after retrying: ${(lastError as Error).message}`,
        {
          hint: 'check that every role, account and OIDC provider named in the trust policy exists',
          cause: lastError,
        },
      );
    }
    throw error;
  }
}
