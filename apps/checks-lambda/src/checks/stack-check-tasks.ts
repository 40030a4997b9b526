/**
 * Every check of a stack as a separate task, so that each runs, times out and fails on its own and
 * has its own duration metric. The list is @eks-kit/stack's `stackChecks`: the very checks `eks-kit
 * check` runs (drift of each apply step, the autoscaler set-up, certificate health), never a copy.
 */
import { type Stack, stackChecks } from '@eks-kit/stack';
import type { CheckTask } from '../run/check-task.js';

/**
 * The check tasks of a stack: `drift.<step>` for each apply step, `autoscaler.setup`, and
 * `certificates` (one task per region). Call it once per run: the checks of one list share their
 * reads for the client set they run with.
 *
 * @example
 * ```ts
 * stackCheckTasks(parseStack(text, 'eks-kit.yaml')).map((t) => t.name);
 * // ['drift.autoscaler.tags', 'drift.autoscaler.role', 'drift.certificates', 'autoscaler.setup', 'certificates']
 * ```
 */
export function stackCheckTasks(stack: Stack): CheckTask[] {
  return stackChecks(stack).map((check) => ({
    name: check.id,
    resource: check.resource,
    run: (clients, signal) => check.run(clients, { signal }),
  }));
}
