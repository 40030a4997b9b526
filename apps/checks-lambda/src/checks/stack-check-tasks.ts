/**
 * Every check a stack calls for, each a separate task so that it runs, times out and fails on its own.
 */
import type { Stack } from '@eks-kit/stack';
import type { CheckTask } from '../run/check-task.js';
import { certificateCheckTasks } from './certificate-checks.js';

/**
 * The check tasks of a stack: certificates (acm-dns-validation), the autoscaler set-up (asg-discovery),
 * roles (iam-policies) and repositories (ecr-credentials), for the sections the stack has.
 *
 * @example
 * ```ts
 * const tasks = stackCheckTasks(parseStack(text, 'eks-kit.yaml'));
 * tasks.map((t) => t.name); // ['certificates', ...]
 * ```
 */
export function stackCheckTasks(stack: Stack): CheckTask[] {
  return [...certificateCheckTasks(stack)];
}
