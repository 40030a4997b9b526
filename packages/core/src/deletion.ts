/**
 * The shape every `delete*` / `remove*` procedure shares (issue 16): owned-only, idempotent, with
 * dry run. A procedure answers what it deleted (or, in a dry run, would delete), or why it kept the
 * resource: absent already, not this stack's (untagged or another stack's), or refused because
 * something must not be lost (images, a certificate in use, a record another certificate needs).
 */
import type { Change, EnsureOptions } from './changes.js';
import { classifyOwnership, type TagsLike } from './ownership.js';
import { STACK_TAG_KEY } from './stack-tag.js';

/** Options of every `delete*` / `remove*`: dry run, signal and events (adopt does not apply). */
export type DeleteOptions = Omit<EnsureOptions, 'adopt'>;

/**
 * What a deletion did: `deleted` (or would, in a dry run), `absent` (nothing to do: a rerun),
 * `kept` with the reason (`not-owned`: untagged or another stack's, never touched; `refused`: a
 * deletion that would lose something, with the flag that allows it in `hint`).
 */
export interface DeleteResult {
  changes: Change[];
  resource: string;
  outcome: 'deleted' | 'absent' | 'kept';
  /** Why it was kept (`not-owned` or `refused`), with {@link DeleteResult.reason}. */
  keptBecause?: 'not-owned' | 'refused';
  /** One line saying why it was kept. */
  reason?: string;
  /** How to delete it anyway, when there is a way (e.g. `--force-delete-images`). */
  hint?: string;
}

/**
 * Decide whether a delete procedure may touch an existing resource: only one tagged
 * `eks-kit:stack=<stack>`. Answers undefined when owned, else the `kept` result naming why.
 *
 * @example
 * ```ts
 * const kept = keepUnlessOwned('iam role ca', state.tags, 'prod');
 * if (kept) return kept; // untagged or another stack's: never deleted
 * ```
 */
export function keepUnlessOwned(resource: string, tags: TagsLike, stack: string): DeleteResult | undefined {
  const ownership = classifyOwnership(tags, stack);
  if (ownership.kind === 'owned') return undefined;
  return {
    changes: [],
    resource,
    outcome: 'kept',
    keptBecause: 'not-owned',
    reason:
      ownership.kind === 'foreign'
        ? `tagged ${STACK_TAG_KEY}=${ownership.owner ?? ''} (stack ${ownership.owner ?? ''}): never touched by stack ${stack}`
        : `no ${STACK_TAG_KEY} tag (made by hand or by another tool): stack ${stack} never deletes it`,
  };
}

/**
 * The `absent` result of a delete procedure that found nothing to delete.
 *
 * @example
 * ```ts
 * if (!state) return absentResult('iam role ca');
 * ```
 */
export function absentResult(resource: string): DeleteResult {
  return { changes: [], resource, outcome: 'absent' };
}

/**
 * The `kept` result of a refusal: the resource holds something that must not be lost.
 *
 * @example
 * ```ts
 * return refusedResult('ecr repository app', 'holds 3 images', 'pass --force-delete-images to delete them too');
 * ```
 */
export function refusedResult(resource: string, reason: string, hint?: string): DeleteResult {
  return {
    changes: [],
    resource,
    outcome: 'kept',
    keptBecause: 'refused',
    reason,
    ...(hint !== undefined ? { hint } : {}),
  };
}
