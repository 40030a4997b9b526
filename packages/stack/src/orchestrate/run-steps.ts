/** Run a stack's steps in order, sharing one account lookup and the progress events. */
import type { AwsClients, Change, ProgressEvent } from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';
import { stackSteps } from '../steps/index.js';
import type { CertificateOutcome, StepContext } from '../steps/step.js';
import { type AccountInfo, describeAccount } from './account.js';

/** What running the steps produced. */
export interface StepsResult {
  changes: Change[];
  certificates: CertificateOutcome[];
}

/**
 * Run every step of the stack in dependency order (dry run: report only). Stops at the first step
 * that throws: a later step may depend on an earlier one, and a rerun converges.
 *
 * @example
 * ```ts
 * const { changes } = await runSteps(clients, stack, { dryRun: true });
 * ```
 */
export async function runSteps(
  clients: AwsClients,
  stack: Stack,
  options: { dryRun: boolean; signal?: AbortSignal; onEvent?: (event: ProgressEvent) => void },
): Promise<StepsResult> {
  let account: Promise<AccountInfo> | undefined;
  const emit = (event: ProgressEvent): void => options.onEvent?.(event);
  const ctx: StepContext = {
    clients,
    stack,
    dryRun: options.dryRun,
    signal: options.signal,
    emit,
    account: () => {
      account ??= describeAccount(clients, options.signal ? { signal: options.signal } : {});
      return account;
    },
  };
  const result: StepsResult = { changes: [], certificates: [] };
  for (const step of stackSteps(stack)) {
    options.signal?.throwIfAborted();
    emit({
      type: 'step.start',
      message: `${options.dryRun ? 'reading' : 'applying'} ${step.title}...`,
      step: step.id,
    });
    const outcome = await step.run(ctx);
    result.changes.push(...outcome.changes);
    result.certificates.push(...(outcome.certificates ?? []));
    emit({
      type: 'step.done',
      message: `${step.title}: ${outcome.changes.length} change(s)`,
      step: step.id,
      changes: outcome.changes.length,
    });
  }
  return result;
}
