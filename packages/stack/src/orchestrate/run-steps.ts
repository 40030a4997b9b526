/** Run a stack's steps concurrently (issue 22), sharing the run's reads (account, cluster, zones...), with progress events in the plan's order. */
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
import type { CertificateOutcome, Step, StepContext } from '../steps/step.js';
import { bindSharedReads } from './shared-reads.js';

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
 * The steps a step waits for before it starts. No step of a stack needs another step's writes: the
 * worker-group tags, the roles, the repositories and the certificate (with its own records) depend
 * only on reads (account, cluster, OIDC provider, zones), which the run shares. A step listed here
 * would wait for the steps it names, and be skipped (reported as not run) when one of them fails.
 */
export const STEP_DEPENDENCIES: Readonly<Record<string, readonly string[]>> = {
  'autoscaler.tags': [],
  'autoscaler.role': [],
  'gitlab.role': [],
  repositories: [],
  certificates: [],
};

/** Which step starts first: the certificate request, because ACM's validation is the longest wait. */
const START_FIRST = 'certificates';

/** How each step of an apply that failed went, in the plan's order. */
export interface StepReport {
  id: string;
  title: string;
  /** `done`: finished; `failed`: threw; `skipped`: not run because a step it depends on failed. */
  outcome: 'done' | 'failed' | 'skipped';
  /** The error's message, for a failed step; the failed dependency, for a skipped one. */
  reason?: string;
}

/**
 * Run every step of the stack (dry run: report only). Steps run concurrently: each waits only for
 * the steps it depends on ({@link STEP_DEPENDENCIES}; today none), and the certificate step starts
 * first so the other steps run while ACM validates. Progress events are printed in the plan's order
 * however the steps interleave: the first unfinished step streams its events, the others' are held
 * until the steps before them finish, so the output reads as a sequential run's. Reads go through
 * one run of shared reads bound to the client set ({@link bindSharedReads}; nested in the run the
 * set is bound to, if any): a dry run shares every repeated read, an apply drops what a write may
 * change.
 *
 * In a dry run, a step that refuses (a resource another stack owns, a missing or private-only zone,
 * a group past its tag quota...) becomes a `fail` finding (blocked, with the error's hint), so a
 * plan shows every blocker at once; an adoption that was not asked for is a `fail` finding too
 * (`ownership.adopt`). In an apply, an error in one step stops the steps that depend on it and lets
 * the independent ones finish; then the first error (in plan order) is thrown with what the run had
 * changed and how each step went attached ({@link changesBefore}). `applyStack` runs the dry run
 * first and refuses before any write when it finds a blocker.
 *
 * @example
 * ```ts
 * const { changes, findings } = await runSteps(clients, stack, { dryRun: true });
 * ```
 */
export function runSteps(clients: AwsClients, stack: Stack, options: RunStepsOptions): Promise<StepsResult> {
  // Bound to the client set, not to an async context (issue 21: one would make Node track every promise).
  return runAllSteps(bindSharedReads(clients, options.dryRun ? 'read-only' : 'stable'), stack, options);
}

type StepRun = Awaited<ReturnType<Step['run']>>;

/** {@link runSteps} with `run`, the set bound to its run of shared reads. */
async function runAllSteps(run: AwsClients, stack: Stack, options: RunStepsOptions): Promise<StepsResult> {
  let account: Promise<AccountInfo> | undefined;
  const steps = stackSteps(stack);
  const events = eventsInPlanOrder(steps.length, options.onEvent);
  const account$ = (): Promise<AccountInfo> => {
    account ??= describeAccount(run, options.signal ? { signal: options.signal } : {});
    return account;
  };
  const applied: string[][] = steps.map(() => []);
  const outcomes = new Map<string, Promise<StepRun>>();
  const runOne = async (step: Step, index: number): Promise<StepRun> => {
    try {
      await dependenciesDone(step, outcomes);
      options.signal?.throwIfAborted();
      return await runStep(step, events.emitFor(index), {
        clients: run,
        stack,
        dryRun: options.dryRun,
        adopt: options.adopt === true,
        signal: options.signal,
        applied: applied[index] as string[],
        account: account$,
      });
    } finally {
      events.finish(index);
    }
  };
  // Start the certificate step first, then the others in plan order; all run at once.
  const order = steps.map((step, index) => ({ step, index }));
  order.sort((a, b) => Number(b.step.id === START_FIRST) - Number(a.step.id === START_FIRST));
  const promises: Array<Promise<StepRun>> = new Array(steps.length);
  for (const { step, index } of order) {
    const p = runOne(step, index);
    promises[index] = p;
    outcomes.set(step.id, p);
  }
  const settled = await Promise.allSettled(promises);
  return collectSteps(steps, settled, run, options, applied);
}

/**
 * Progress events in plan order while steps run at once: step i's events go out live once every
 * step before it has finished; until then they are held.
 */
function eventsInPlanOrder(
  count: number,
  onEvent: ((event: ProgressEvent) => void) | undefined,
): { emitFor: (index: number) => (event: ProgressEvent) => void; finish: (index: number) => void } {
  const held: ProgressEvent[][] = Array.from({ length: count }, () => []);
  const finished: boolean[] = new Array(count).fill(false);
  let live = 0;
  return {
    emitFor: (index) => (event) => {
      if (index === live) onEvent?.(event);
      else held[index]?.push(event);
    },
    finish: (index) => {
      finished[index] = true;
      while (live < count && finished[live]) {
        live++;
        for (const event of held[live] ?? []) onEvent?.(event);
        if (live < count) held[live] = [];
      }
    },
  };
}

/** Waits for the steps this one depends on; one that failed makes this one skipped. */
async function dependenciesDone(step: Step, outcomes: ReadonlyMap<string, Promise<StepRun>>): Promise<void> {
  for (const dependency of STEP_DEPENDENCIES[step.id] ?? []) {
    const before = outcomes.get(dependency);
    if (before)
      await before.catch(() => {
        throw new SkippedStep(dependency);
      });
  }
}

/** One step's run: start and done events, its procedures' `applied` events kept, a plan's blocker as a finding. */
async function runStep(
  step: Step,
  emit: (event: ProgressEvent) => void,
  run: Omit<StepContext, 'emit'> & { applied: string[] },
): Promise<StepRun> {
  const { applied, ...context } = run;
  emit({
    type: 'step.start',
    message: `${context.dryRun ? 'reading' : 'applying'} ${step.title}...`,
    step: step.id,
  });
  const ctx: StepContext = {
    ...context,
    // What a failing apply step had already changed: its procedures' `applied` events.
    emit: (event) => {
      if (!context.dryRun && (event.type === 'applied' || event.type === 'tags-applied'))
        applied.push(`${event.resource ?? step.title}: ${event.message}`);
      emit(event);
    },
  };
  let outcome: StepRun;
  try {
    outcome = await step.run(ctx);
  } catch (error) {
    if (context.dryRun && isBlocker(error))
      outcome = { changes: [], findings: [blockerFinding(error, step.id, step.title)] };
    else throw error;
  }
  emit({
    type: 'step.done',
    message: `${step.title}: ${outcome.changes.length} change(s)`,
    step: step.id,
    changes: outcome.changes.length,
  });
  return outcome;
}

/** The steps' results in plan order; a failure is thrown with what every step did (done, failed, skipped). */
function collectSteps(
  steps: readonly Step[],
  settled: ReadonlyArray<PromiseSettledResult<StepRun>>,
  run: AwsClients,
  options: RunStepsOptions,
  applied: string[][],
): StepsResult {
  const result: StepsResult = { changes: [], certificates: [], findings: [], clients: run };
  const reports: StepReport[] = [];
  let firstError: unknown;
  for (const [index, s] of settled.entries()) {
    const step = steps[index] as Step;
    if (s.status === 'rejected') {
      firstError ??= s.reason;
      reports.push(
        s.reason instanceof SkippedStep
          ? { id: step.id, title: step.title, outcome: 'skipped', reason: `${s.reason.dependency} failed` }
          : { id: step.id, title: step.title, outcome: 'failed', reason: errorMessage(s.reason) },
      );
      continue;
    }
    reports.push({ id: step.id, title: step.title, outcome: 'done' });
    const outcome = s.value;
    result.changes.push(...outcome.changes);
    result.certificates.push(...(outcome.certificates ?? []));
    result.findings.push(...(outcome.findings ?? []));
    if (options.dryRun) result.findings.push(...adoptionFindings(outcome.changes, step.id));
  }
  if (firstError !== undefined) {
    if (options.dryRun) throw firstError;
    throw withChangesBefore(firstError, result.changes, applied.flat(), reports);
  }
  return result;
}

/** A step not run because a step it depends on failed. */
class SkippedStep extends Error {
  constructor(readonly dependency: string) {
    super(`not run: ${dependency} failed`);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
  /**
   * How each step went, in the plan's order (steps run concurrently: a failed step does not stop
   * the steps that do not depend on it). Absent for an error thrown before any step ran.
   */
  steps?: StepReport[];
}

const CHANGES_BEFORE = Symbol.for('eks-kit.changesBefore');

function withChangesBefore(
  error: unknown,
  changes: readonly Change[],
  applied: readonly string[],
  steps: readonly StepReport[],
): unknown {
  if (error && typeof error === 'object')
    Object.defineProperty(error, CHANGES_BEFORE, {
      value: { changes: [...changes], applied: [...applied], steps: [...steps] } satisfies ChangesBefore,
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
