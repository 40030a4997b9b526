import type { OwnershipOptions } from './ownership.js';

/**
 * The plan model shared by every `ensure*`: a list of {@link Change}s, rendered like Terraform's plan.
 */

/** What a change does. `tag`/`untag` are changes to tags only. */
export type ChangeAction = 'create' | 'update' | 'delete' | 'tag' | 'untag';

/** One change an `ensure*` made (or, in dry run, would make). */
export interface Change {
  action: ChangeAction;
  /** The resource, e.g. `iam role cluster-autoscaler` or an ARN. */
  resource: string;
  /** One line saying what changes, e.g. `trust policy: sub system:serviceaccount:kube-system:x -> ...`. */
  summary: string;
  /** Relevant state before (never secrets). */
  before?: unknown;
  /** Relevant state after (never secrets). */
  after?: unknown;
}

/** Options every `ensure*` procedure accepts (with `adopt`: take over a resource made by hand, see ownership.ts). */
export interface EnsureOptions extends OwnershipOptions {
  /** Compute and return the changes without calling any mutating API. */
  dryRun?: boolean;
  /** Abort waits and retries. */
  signal?: AbortSignal;
  /** Progress and notices, e.g. for the CLI's TTY progress or a log. */
  onEvent?: (event: ProgressEvent) => void;
  /** No write starts after this many milliseconds from the call (the converge engine's deadline: `Timeout`). */
  timeoutMs?: number;
}

/** A progress event or notice emitted by a procedure. */
export interface ProgressEvent {
  type: string;
  message: string;
  resource?: string;
  [key: string]: unknown;
}

/** The result every `ensure*` returns. */
export interface EnsureResult {
  changes: Change[];
}

const SYMBOLS: Record<ChangeAction, string> = { create: '+', update: '~', delete: '-', tag: '~', untag: '~' };

/**
 * Render changes as plain text grouped by resource, Terraform style, with a closing count line.
 *
 * @example
 * ```ts
 * renderChanges([{ action: 'create', resource: 'iam role ca', summary: 'create role ca' }]);
 * // "+ iam role ca\n    create role ca\n\nPlan: 1 to create, 0 to update, 0 to delete."
 * ```
 */
export function renderChanges(
  changes: readonly Change[],
  options: { color?: boolean; verb?: 'Plan' | 'Applied' | 'Destroyed' } = {},
): string {
  const verb = options.verb ?? 'Plan';
  if (changes.length === 0) return 'No changes. AWS matches the stack.';
  const color = options.color ?? false;
  const paint = (action: ChangeAction, text: string): string => {
    if (!color) return text;
    const code = action === 'create' ? 32 : action === 'delete' ? 31 : 33;
    return `\u001b[${code}m${text}\u001b[0m`;
  };
  const groups = new Map<string, Change[]>();
  for (const change of changes) {
    const list = groups.get(change.resource) ?? [];
    list.push(change);
    groups.set(change.resource, list);
  }
  const lines: string[] = [];
  for (const [resource, list] of groups) {
    const first = list[0]!;
    const action = list.some((c) => c.action === 'create')
      ? 'create'
      : list.some((c) => c.action === 'delete')
        ? 'delete'
        : first.action;
    lines.push(paint(action, `${SYMBOLS[action]} ${resource}`));
    for (const change of list)
      lines.push(`    ${paint(change.action, `${SYMBOLS[change.action]} ${change.summary}`)}`);
  }
  const counts = countChanges(changes);
  lines.push(
    '',
    `${verb}: ${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete.`,
  );
  return lines.join('\n');
}

/**
 * Count changes per kind; tag changes count as updates.
 *
 * @example
 * ```ts
 * countChanges(changes); // { create: 1, update: 2, delete: 0, total: 3 }
 * ```
 */
export function countChanges(changes: readonly Change[]): {
  create: number;
  update: number;
  delete: number;
  total: number;
} {
  let create = 0;
  let update = 0;
  let del = 0;
  for (const c of changes) {
    if (c.action === 'create') create++;
    else if (c.action === 'delete') del++;
    else update++;
  }
  return { create, update, delete: del, total: changes.length };
}

/**
 * The JSON form of a plan: stable keys, counts included.
 *
 * @example
 * ```ts
 * JSON.stringify(changesToJson(changes));
 * ```
 */
export function changesToJson(changes: readonly Change[]): {
  changes: Change[];
  counts: ReturnType<typeof countChanges>;
} {
  return {
    changes: changes.map((c) => ({
      action: c.action,
      resource: c.resource,
      summary: c.summary,
      ...(c.before !== undefined ? { before: c.before } : {}),
      ...(c.after !== undefined ? { after: c.after } : {}),
    })),
    counts: countChanges(changes),
  };
}
