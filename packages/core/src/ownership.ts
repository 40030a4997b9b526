/**
 * The ownership model every eks-kit package uses: a resource is `owned` by this stack (tag
 * `eks-kit:stack=<this stack>`), `foreign` (tagged for another stack: never changed) or `unowned`
 * (no stack tag, e.g. made by hand: changed only when the caller asks to adopt it). One helper reads
 * the tag, classifies, and builds the refusal error and its hint; no package keeps its own copy.
 */
import { EksKitError } from './errors.js';
import { STACK_TAG_KEY } from './stack-tag.js';

/** How a resource relates to a stack. */
export type OwnershipKind = 'owned' | 'foreign' | 'unowned';

/** The classification of one resource, with the owner its tag names (for `foreign`). */
export interface Ownership {
  kind: OwnershipKind;
  /** The value of `eks-kit:stack` on the resource, when it has one. */
  owner?: string;
}

/** Options of the procedures that may meet a resource they did not create. */
export interface OwnershipOptions {
  /**
   * Take over a resource that has no `eks-kit:stack` tag (made by hand): tag it for this stack and
   * converge it. Default false: such a resource is refused with {@link NotOwnedError}. A resource
   * tagged for another stack is refused whatever this says.
   */
  adopt?: boolean;
}

/** Tags in any shape the AWS APIs answer: a map, `{Key, Value}` pairs (IAM, ECR, ACM, ASG) or lower-case `{key, value}`. */
export type TagsLike =
  | Readonly<Record<string, string | undefined>>
  | ReadonlyArray<{ Key?: string; Value?: string } | { key?: string; value?: string }>
  | undefined;

/**
 * The value of the `eks-kit:stack` tag in a tag set, or undefined when there is none.
 *
 * @example
 * ```ts
 * stackTagOf([{ Key: 'eks-kit:stack', Value: 'prod' }]); // 'prod'
 * stackTagOf({ team: 'web' }); // undefined
 * ```
 */
export function stackTagOf(tags: TagsLike): string | undefined {
  if (tags === undefined) return undefined;
  if (Array.isArray(tags)) {
    for (const t of tags as ReadonlyArray<Record<string, string | undefined>>) {
      const key = t.Key ?? t.key;
      if (key === STACK_TAG_KEY) return t.Value ?? t.value ?? '';
    }
    return undefined;
  }
  const map = tags as Readonly<Record<string, string | undefined>>;
  return Object.hasOwn(map, STACK_TAG_KEY) ? map[STACK_TAG_KEY] : undefined;
}

/**
 * Classify an existing resource for a stack from its tags.
 *
 * @example
 * ```ts
 * classifyOwnership({ 'eks-kit:stack': 'prod' }, 'prod'); // { kind: 'owned', owner: 'prod' }
 * classifyOwnership({ 'eks-kit:stack': 'other' }, 'prod'); // { kind: 'foreign', owner: 'other' }
 * classifyOwnership({}, 'prod'); // { kind: 'unowned' }
 * ```
 */
export function classifyOwnership(tags: TagsLike, stack: string): Ownership {
  const owner = stackTagOf(tags);
  if (owner === undefined) return { kind: 'unowned' };
  return owner === stack ? { kind: 'owned', owner } : { kind: 'foreign', owner };
}

/**
 * The refusal of a resource that another stack owns (code `OwnedByAnotherStack`, exit 1). Its
 * message names the resource, both stacks and the tag; its hint says how to resolve it.
 *
 * @example
 * ```ts
 * throw new OwnedByAnotherStackError('iam role ca', 'other', 'prod');
 * // "iam role ca belongs to stack other (tag eks-kit:stack=other), not prod: eks-kit never changes it"
 * ```
 */
export class OwnedByAnotherStackError extends EksKitError {
  /** The resource, as in a Change (`iam role ca`). */
  readonly resource: string;
  /** The stack its tag names. */
  readonly owner: string;
  /** The stack that wanted to change it. */
  readonly stackName: string;

  constructor(resource: string, owner: string, stack: string, options: { retag?: string } = {}) {
    super(
      'OwnedByAnotherStack',
      `${resource} belongs to stack ${owner} (tag ${STACK_TAG_KEY}=${owner}), not ${stack}: eks-kit never changes it`,
      {
        hint: `remove it from stack ${stack} (or from stack ${owner}); to hand it over, change its tag to ${STACK_TAG_KEY}=${stack}${options.retag ? ` (${options.retag})` : ''}`,
      },
    );
    this.name = 'OwnedByAnotherStackError';
    this.resource = resource;
    this.owner = owner;
    this.stackName = stack;
  }
}

/**
 * The refusal of an existing resource without an `eks-kit:stack` tag (code `NotOwnedByStack`,
 * exit 1) when the caller did not ask to adopt it. The hint names the tag and the ways to adopt.
 *
 * @example
 * ```ts
 * throw new NotOwnedError('autoscaling group workers-a', 'prod');
 * ```
 */
export class NotOwnedError extends EksKitError {
  readonly resource: string;
  /** The stack that would adopt it. */
  readonly stackName: string;

  constructor(resource: string, stack: string) {
    super(
      'NotOwnedByStack',
      `${resource} exists without the tag ${STACK_TAG_KEY} (made by hand or by another tool): stack ${stack} does not take it over unless asked`,
      {
        hint: `to adopt it (tag it ${STACK_TAG_KEY}=${stack} and manage it from now on), run apply --adopt, set adopt: true on it in the stack file, or pass { adopt: true } to the procedure; otherwise choose another name`,
      },
    );
    this.name = 'NotOwnedError';
    this.resource = resource;
    this.stackName = stack;
  }
}

/** What {@link decideOwnership} answers: the classification and whether the stack tag must be added. */
export interface OwnershipDecision extends Ownership {
  /** True for an unowned resource taken over: the change adds `eks-kit:stack=<stack>`. */
  adopting: boolean;
}

/**
 * The one rule of the model, applied to an existing resource: `owned` passes, `foreign` throws
 * {@link OwnedByAnotherStackError} (dry run too: a plan shows it as blocked), `unowned` passes with
 * `adopting: true` when `adopt` is set, and otherwise throws {@link NotOwnedError}, except in a dry
 * run, which answers `adopting: true` so that a plan shows what adopting would change (the stack
 * marks it as needing `--adopt`). Call it after the reads and before the first write.
 *
 * @example
 * ```ts
 * const d = decideOwnership({ resource: 'iam role ca', tags: state.tags, stack: 'prod', adopt: options.adopt, dryRun: options.dryRun });
 * if (d.adopting) changes.push(adoptChange('iam role ca', 'prod'));
 * ```
 */
export function decideOwnership(input: {
  resource: string;
  tags: TagsLike;
  stack: string;
  adopt?: boolean | undefined;
  dryRun?: boolean | undefined;
  /** How to retag it by hand, for the hint of a foreign resource (e.g. an aws CLI line). */
  retag?: string;
}): OwnershipDecision {
  const ownership = classifyOwnership(input.tags, input.stack);
  if (ownership.kind === 'foreign')
    throw new OwnedByAnotherStackError(
      input.resource,
      ownership.owner ?? '',
      input.stack,
      input.retag ? { retag: input.retag } : {},
    );
  if (ownership.kind === 'owned') return { ...ownership, adopting: false };
  if (input.adopt !== true && input.dryRun !== true) throw new NotOwnedError(input.resource, input.stack);
  return { ...ownership, adopting: true };
}

/** The summary prefix of every adoption change: plans and tests find adoptions by it. */
export const ADOPT_PREFIX = 'adopt:';

/**
 * The change that records an adoption: `adopt: made without eks-kit, tag eks-kit:stack=<stack>
 * will be added`. Its action is `tag`.
 *
 * @example
 * ```ts
 * adoptChange('autoscaling group workers-a', 'seed').summary;
 * // 'adopt: exists without eks-kit:stack (made by hand); add eks-kit:stack=seed and manage it from now on'
 * ```
 */
export function adoptChange(
  resource: string,
  stack: string,
  adopt?: boolean,
): {
  action: 'tag';
  resource: string;
  summary: string;
  after: Record<string, string>;
} {
  return {
    action: 'tag',
    resource,
    summary: `${ADOPT_PREFIX} exists without ${STACK_TAG_KEY} (made by hand); add ${STACK_TAG_KEY}=${stack} and manage it from now on${adopt === true ? '' : ' (needs apply --adopt or adopt: true)'}`,
    after: { [STACK_TAG_KEY]: stack },
  };
}

/**
 * True when an error is one of the ownership refusals ({@link OwnedByAnotherStackError},
 * {@link NotOwnedError}), also after a wrap that kept the code.
 *
 * @example
 * ```ts
 * try { await ensureRole(clients, spec); } catch (e) { if (isOwnershipError(e)) console.error(e.hint); }
 * ```
 */
export function isOwnershipError(error: unknown): error is EksKitError {
  return (
    error instanceof EksKitError && (error.code === 'OwnedByAnotherStack' || error.code === 'NotOwnedByStack')
  );
}
