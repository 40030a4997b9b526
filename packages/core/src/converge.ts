/**
 * The one converge engine every `ensure*`, `delete*` and `remove*` runs on (issue 20): a procedure
 * reads the current state and plans {@link PlannedChange}s (a {@link Change} and the write that makes
 * it); {@link applyPlan} runs the plan the same way everywhere:
 *
 * - dry run: no write is made, each change is reported and a `plan` event emitted;
 * - apply: the writes run in order, each followed by an `applied` event (the stack reads these
 *   events to say what a failing step had already changed);
 * - between two writes the `signal` and the `timeoutMs` deadline are checked, so an abort or a
 *   timeout never lands in the middle of a write;
 * - a write that fails stops the run; its error carries the changes already made
 *   ({@link changesApplied}) and is otherwise the error the write threw (wrapped with its
 *   `operation` when it is not an eks-kit error);
 * - the result is `{ changes }`.
 */
import type { Change, EnsureOptions, ProgressEvent } from './changes.js';
import { EksKitError, InvalidInputError, wrapAwsError } from './errors.js';

/** The options the engine reads: dry run, abort signal, events and a deadline. */
export type ConvergeOptions = Pick<EnsureOptions, 'dryRun' | 'signal' | 'onEvent' | 'timeoutMs'>;

/**
 * One planned step: the change it reports and the write that makes it. A step may have a change and
 * no write (the write is another step's, e.g. an adoption tag sent with the other tags) or a write
 * and no change (a batch write carrying the changes of earlier steps).
 */
export interface PlannedChange {
  /** The change reported (in `changes` and in the step's event). */
  change?: Change;
  /**
   * The mutating call; never called in a dry run. Resolving to {@link UNCHANGED} says the write
   * found nothing to do after all (e.g. a concurrent run made the resource): its change is then
   * neither reported nor announced.
   */
  apply?: () => Promise<unknown>;
  /** `service:Operation` of the write: an SDK error it throws is wrapped with it (core's `wrapAwsError`). */
  operation?: string;
  /** The resource named in a wrapped error (default: the change's resource). */
  target?: string;
  /**
   * The event emitted after the write (default: `applied` with the change's summary and resource),
   * or a function of what the write answered (e.g. an id AWS gave), undefined for no event.
   */
  event?: ProgressEvent | ((answer: unknown) => ProgressEvent | undefined);
}

/**
 * What a step's `apply` answers when its write turned out to be unnecessary (see {@link PlannedChange}).
 *
 * @example
 * ```ts
 * apply: async () => (await createUnlessExists()) ? undefined : UNCHANGED,
 * ```
 */
export const UNCHANGED: unique symbol = Symbol.for('eks-kit.unchanged');

/** What {@link applyPlan} returns. */
export interface ConvergeResult {
  changes: Change[];
}

/** A point in time (ms since the epoch) after which no new write starts; undefined: no deadline. */
export type Deadline = number | undefined;

/**
 * The deadline of a procedure that starts now, from `options.timeoutMs`.
 *
 * @example
 * ```ts
 * const deadline = deadlineOf({ timeoutMs: 60_000 }); // Date.now() + 60_000
 * ```
 */
export function deadlineOf(options: Pick<ConvergeOptions, 'timeoutMs'>): Deadline {
  const ms = options.timeoutMs;
  if (ms === undefined) return undefined;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0)
    throw new InvalidInputError('timeoutMs', ms, 'a positive number of milliseconds');
  return Date.now() + ms;
}

/**
 * Throw when the signal is aborted (its reason) or the deadline has passed (`Timeout`); called by
 * the engine before each write, and by a procedure between its reads when it wants to.
 *
 * @example
 * ```ts
 * checkContinue(options.signal, deadline, 'iam role ca');
 * ```
 */
export function checkContinue(signal: AbortSignal | undefined, deadline: Deadline, what = 'the run'): void {
  signal?.throwIfAborted();
  if (deadline !== undefined && Date.now() > deadline)
    throw new EksKitError('Timeout', `timed out before the next write of ${what}`, {
      hint: 'run the command again (it converges from where it stopped), or raise the timeout',
    });
}

const APPLIED = Symbol.for('eks-kit.changesApplied');

/**
 * The changes a procedure had already made when the error was thrown (undefined when the error did
 * not come from a write run by {@link applyPlan}). A rerun converges from there.
 *
 * @example
 * ```ts
 * try { await ensureRole(clients, spec); }
 * catch (e) { console.error(renderChanges(changesApplied(e) ?? [], { verb: 'Applied' })); throw e; }
 * ```
 */
export function changesApplied(error: unknown): Change[] | undefined {
  if (!error || typeof error !== 'object') return undefined;
  return (error as Record<symbol, Change[] | undefined>)[APPLIED];
}

function withApplied(error: unknown, changes: readonly Change[]): unknown {
  if (error && typeof error === 'object' && !Object.isFrozen(error))
    Object.defineProperty(error, APPLIED, { value: [...changes], enumerable: false, configurable: true });
  return error;
}

/**
 * Run a plan: in a dry run report every change (`plan` events), else make each write in order, then
 * report its change (`applied` event, or the step's own event). Signal and deadline are checked
 * before each write; a failing write's error carries the changes already made ({@link changesApplied}).
 *
 * @example
 * ```ts
 * const { changes } = await applyPlan([
 *   {
 *     change: { action: 'tag', resource: 'iam role ca', summary: 'tags: team=web' },
 *     operation: 'iam:TagRole',
 *     apply: () => iam.send(new TagRoleCommand({ RoleName: 'ca', Tags: [{ Key: 'team', Value: 'web' }] })),
 *   },
 * ], { dryRun: false, onEvent: console.log });
 * ```
 */
export async function applyPlan(
  steps: readonly PlannedChange[],
  options: ConvergeOptions & {
    /** The procedure's deadline when it started before this plan (default: from `timeoutMs`, now). */
    deadline?: Deadline;
    /** Changes an earlier plan of the same procedure made: part of {@link changesApplied}, not returned. */
    earlier?: readonly Change[];
  } = {},
): Promise<ConvergeResult> {
  const deadline = options.deadline ?? deadlineOf(options);
  const earlier = options.earlier ?? [];
  const changes: Change[] = [];
  for (const step of steps) {
    const { change } = step;
    if (options.dryRun || !step.apply) {
      if (!change) continue;
      changes.push(change);
      if (options.dryRun)
        options.onEvent?.({ type: 'plan', resource: change.resource, message: change.summary });
      continue;
    }
    let outcome: unknown;
    try {
      checkContinue(options.signal, deadline, change?.resource ?? step.target);
      outcome = await step.apply();
    } catch (error) {
      const wrapped = step.operation
        ? wrapAwsError(error, step.operation, step.target ?? change?.resource)
        : error;
      throw withApplied(wrapped, [...earlier, ...changes]);
    }
    if (outcome === UNCHANGED) continue;
    if (change) changes.push(change);
    const event =
      typeof step.event === 'function'
        ? step.event(outcome)
        : (step.event ??
          (change ? { type: 'applied', resource: change.resource, message: change.summary } : undefined));
    if (event) options.onEvent?.(event);
  }
  return { changes };
}

/**
 * Read, plan, apply: the whole shape of a converge procedure. `read` gets the current state,
 * `plan` turns it into planned changes (reads allowed, no writes), {@link applyPlan} runs them.
 * The deadline (`timeoutMs`) counts from the call; the signal is checked after the read.
 *
 * @example
 * ```ts
 * const { changes, state } = await converge({
 *   read: () => readRole(iam, 'ca'),
 *   plan: (role) => (role ? [] : [{ change: createChange, operation: 'iam:CreateRole', apply: create }]),
 * }, options);
 * ```
 */
export async function converge<S>(
  procedure: {
    read: () => Promise<S>;
    plan: (state: S) => readonly PlannedChange[] | Promise<readonly PlannedChange[]>;
  },
  options: ConvergeOptions = {},
): Promise<ConvergeResult & { state: S }> {
  const deadline = deadlineOf(options);
  const state = await procedure.read();
  options.signal?.throwIfAborted();
  const steps = await procedure.plan(state);
  const { changes } = await applyPlan(steps, { ...options, deadline });
  return { changes, state };
}
