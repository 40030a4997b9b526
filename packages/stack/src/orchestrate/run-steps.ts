/** Run a stack's steps in order, sharing the run's reads (account, cluster, zones...) and the progress events. */
import type { AwsClients, Change, Finding, ProgressEvent } from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';
import { stackSteps } from '../steps/index.js';
import type { CertificateOutcome, Step, StepContext } from '../steps/step.js';
import { type AccountInfo, describeAccount } from './account.js';
import { applyBlockedError, blockingFindings } from './blocked-apply.js';
import { shareReads } from './shared-reads.js';

/** What running the steps produced. */
export interface StepsResult {
  changes: Change[];
  certificates: CertificateOutcome[];
  /** The steps' findings (a blocked change shows here as a `fail` finding), in step order. */
  findings: Finding[];
  /** The run's clients, for what the run does after its steps (apply's wait shares the zones read). */
  clients: AwsClients;
}

/**
 * Run every step of the stack in dependency order (dry run: report only). An apply first asks every
 * step for its blockers and, when one answers, throws `ApplyBlocked` before its first mutating
 * call, so an apply that cannot finish for a reason known in advance leaves nothing half-done.
 * Stops at the first step that throws: a later step may depend on an earlier one, and a rerun converges. The steps share
 * one run's reads ({@link shareReads}): a dry run shares every repeated read, an apply only the
 * facts no step changes.
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
  const run = shareReads(clients, options.dryRun ? 'read-only' : 'stable');
  const ctx: StepContext = {
    clients: run,
    stack,
    dryRun: options.dryRun,
    signal: options.signal,
    emit,
    account: () => {
      account ??= describeAccount(run, options.signal ? { signal: options.signal } : {});
      return account;
    },
  };
  const result: StepsResult = { changes: [], certificates: [], findings: [], clients: run };
  const steps = stackSteps(stack);
  if (!options.dryRun) await refuseIfBlocked(steps, ctx);
  for (const step of steps) {
    options.signal?.throwIfAborted();
    emit({
      type: 'step.start',
      message: `${options.dryRun ? 'reading' : 'applying'} ${step.title}...`,
      step: step.id,
    });
    const outcome = await step.run(ctx);
    result.changes.push(...outcome.changes);
    result.certificates.push(...(outcome.certificates ?? []));
    result.findings.push(...(outcome.findings ?? []));
    emit({
      type: 'step.done',
      message: `${step.title}: ${outcome.changes.length} change(s)`,
      step: step.id,
      changes: outcome.changes.length,
    });
  }
  return result;
}

/**
 * Ask each step (in order) what would block its apply; throw one `ApplyBlocked` error naming all of
 * them. Reads only, through the run's shared reads (the account, cluster and OIDC provider are
 * `RUN_STABLE_READS`), so the steps that follow do not read them again.
 */
async function refuseIfBlocked(steps: readonly Step[], ctx: StepContext): Promise<void> {
  const found: Finding[] = [];
  for (const step of steps) {
    ctx.signal?.throwIfAborted();
    if (step.blockers) found.push(...(await step.blockers(ctx)));
  }
  const blocking = blockingFindings(found);
  if (blocking.length > 0) throw applyBlockedError(blocking);
}
