/** `planStack`: every change apply would make, computed by the procedures' dry runs. */
import type { AwsClients, Change, ProgressEvent } from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';
import { runSteps } from './run-steps.js';

/** Options of {@link planStack}. */
export interface PlanStackOptions {
  signal?: AbortSignal;
  onEvent?: (event: ProgressEvent) => void;
}

/**
 * The plan of a stack: each step's `ensure*` in dry run, in apply's order. Reads only; no mutating
 * call is made.
 *
 * @example
 * ```ts
 * const stack = await loadStack('eks-kit.yaml');
 * const clients = await createClients({ region: stack.cluster.region });
 * const { changes } = await planStack(clients, stack);
 * console.log(renderChanges(changes));
 * ```
 */
export async function planStack(
  clients: AwsClients,
  stack: Stack,
  options: PlanStackOptions = {},
): Promise<{ changes: Change[] }> {
  const { changes } = await runSteps(clients, stack, { dryRun: true, ...options });
  return { changes };
}
