/** Run a stack's steps in order, sharing the run's reads (account, cluster, zones...) and the progress events. */
import {
  type AccountInfo,
  ADOPT_PREFIX,
  type AwsClients,
  type Change,
  describeAccount,
  EksKitError,
  type Finding,
  finding,
  InvalidInputError,
  isOwnershipError,
  type ProgressEvent,
  STACK_TAG_KEY,
} from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';
import { stackSteps } from '../steps/index.js';
import type { CertificateOutcome, StepContext } from '../steps/step.js';
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

/** Options of {@link runSteps}. */
export interface RunStepsOptions {
  dryRun: boolean;
  /** `--adopt`: take over every resource of the stack made by hand. */
  adopt?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: ProgressEvent) => void;
}

/** Where a stack file says `adopt: true` for the resources of each step. */
const ADOPT_KEY: Record<string, string> = {
  'autoscaler.tags': 'autoscaler.workerGroups.adopt',
  'autoscaler.role': 'autoscaler.adopt',
  'gitlab.role': 'gitlab.runner.adopt',
  repositories: 'repositories[<n>].adopt',
  certificates: 'certificates[<n>].adopt',
};

/**
 * Run every step of the stack in dependency order (dry run: report only). In a dry run, a step that
 * refuses (a resource another stack owns, a missing or private-only zone, a group past its tag
 * quota...) does not stop the run: its refusal becomes a `fail` finding (blocked, with the error's
 * hint) and the next step runs, so a plan shows every blocker at once; an adoption that was not
 * asked for is a `fail` finding too (`ownership.adopt`). An apply (`dryRun: false`) stops at the first
 * step that throws and attaches what it had already changed to the error ({@link changesBefore}):
 * `applyStack` runs the dry run first and refuses before any write when it finds a blocker. The
 * steps share one run's reads ({@link shareReads}): a dry run shares every repeated read, an apply
 * only the facts no step changes.
 *
 * @example
 * ```ts
 * const { changes, findings } = await runSteps(clients, stack, { dryRun: true });
 * ```
 */
export async function runSteps(
  clients: AwsClients,
  stack: Stack,
  options: RunStepsOptions,
): Promise<StepsResult> {
  let account: Promise<AccountInfo> | undefined;
  const emit = (event: ProgressEvent): void => options.onEvent?.(event);
  const run = shareReads(clients, options.dryRun ? 'read-only' : 'stable');
  const ctx: StepContext = {
    clients: run,
    stack,
    dryRun: options.dryRun,
    adopt: options.adopt === true,
    signal: options.signal,
    emit,
    account: () => {
      account ??= describeAccount(run, options.signal ? { signal: options.signal } : {});
      return account;
    },
  };
  const result: StepsResult = { changes: [], certificates: [], findings: [], clients: run };
  for (const step of stackSteps(stack)) {
    options.signal?.throwIfAborted();
    emit({
      type: 'step.start',
      message: `${options.dryRun ? 'reading' : 'applying'} ${step.title}...`,
      step: step.id,
    });
    // What a failing apply step had already changed: its procedures' `applied` events.
    const appliedInStep: string[] = [];
    const stepCtx: StepContext = options.dryRun
      ? ctx
      : {
          ...ctx,
          emit: (event) => {
            if (event.type === 'applied' || event.type === 'tags-applied')
              appliedInStep.push(`${event.resource ?? step.title}: ${event.message}`);
            emit(event);
          },
        };
    let outcome: Awaited<ReturnType<typeof step.run>>;
    try {
      outcome = await step.run(stepCtx);
    } catch (error) {
      if (!options.dryRun) throw withChangesBefore(error, result.changes, appliedInStep);
      if (!isBlocker(error)) throw error;
      outcome = { changes: [], findings: [blockerFinding(error, step.id, step.title)] };
    }
    result.changes.push(...outcome.changes);
    result.certificates.push(...(outcome.certificates ?? []));
    result.findings.push(...(outcome.findings ?? []));
    if (options.dryRun) result.findings.push(...adoptionFindings(outcome.changes, step.id));
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
 * True for an error a plan shows as a blocker instead of failing: eks-kit's own refusals (ownership,
 * zones, quotas, immutable settings...), not bad input, a cancellation or an AWS failure.
 *
 * @example
 * ```ts
 * isBlocker(new OwnedByAnotherStackError('iam role x', 'other', 'prod')); // true
 * ```
 */
export function isBlocker(error: unknown): error is EksKitError {
  return (
    error instanceof EksKitError &&
    !(error instanceof InvalidInputError) &&
    error.name !== 'AwsCallError' &&
    error.code !== 'Cancelled' &&
    error.code !== 'Aborted' &&
    error.code !== 'Timeout'
  );
}

/**
 * A refusal as a blocking `fail` finding: `ownership` for the ownership rule (naming both stacks),
 * `<step>.blocked` otherwise; the error's hint is the finding's.
 *
 * @example
 * ```ts
 * blockerFinding(error, 'repositories', 'ECR repositories').status; // 'fail'
 * ```
 */
export function blockerFinding(error: EksKitError, stepId: string, title: string): Finding {
  const resource = (error as { resource?: unknown }).resource;
  const what = typeof resource === 'string' && resource !== '' ? resource : title;
  return finding(isOwnershipError(error) ? 'ownership' : `${stepId}.blocked`, what, 'fail', error.message, {
    ...(error.hint !== undefined ? { hint: error.hint } : {}),
    data: { blocks: what, code: error.code },
  });
}

function adoptionFindings(changes: readonly Change[], stepId: string): Finding[] {
  return changes
    .filter((c) => c.summary.startsWith(ADOPT_PREFIX) && c.summary.includes('needs apply --adopt'))
    .map((c) =>
      finding(
        'ownership.adopt',
        c.resource,
        'fail',
        `${c.resource} exists without the tag ${STACK_TAG_KEY} (made by hand): apply takes it over only when asked`,
        {
          hint: `to adopt it, run eks-kit apply --adopt, or set ${ADOPT_KEY[stepId] ?? 'adopt: true'}: true in the stack file; otherwise remove it from the stack or choose another name`,
          data: { blocks: c.resource, code: 'NotOwnedByStack' },
        },
      ),
    );
}

/** The changes an apply had made before it failed, attached to its error. */
export interface ChangesBefore {
  /** Changes of the steps that finished. */
  changes: Change[];
  /** One line per write the failing step had already made. */
  applied: string[];
}

const CHANGES_BEFORE = Symbol.for('eks-kit.changesBefore');

function withChangesBefore(error: unknown, changes: readonly Change[], applied: readonly string[]): unknown {
  if (error && typeof error === 'object')
    Object.defineProperty(error, CHANGES_BEFORE, {
      value: { changes: [...changes], applied: [...applied] } satisfies ChangesBefore,
      enumerable: false,
      configurable: true,
    });
  return error;
}

/**
 * What an apply that failed half-way had already changed (undefined for an error thrown before
 * any step ran): the CLI prints it always, so a user knows the state the next run converges from.
 *
 * @example
 * ```ts
 * try { await applyStack(clients, stack, { yes: true }); }
 * catch (e) { const done = changesBefore(e); if (done) console.error(renderChanges(done.changes, { verb: 'Applied' })); throw e; }
 * ```
 */
export function changesBefore(error: unknown): ChangesBefore | undefined {
  if (!error || typeof error !== 'object') return undefined;
  return (error as Record<symbol, ChangesBefore | undefined>)[CHANGES_BEFORE];
}
