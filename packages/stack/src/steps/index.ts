/** The steps of a stack, in dependency order: tags, roles, repositories, certificates + records (apply waits last). */
import type { Stack } from '../schema/stack-schema.js';
import { autoscalerRoleStep, autoscalerTagsStep } from './autoscaler.js';
import { certificatesStep } from './certificates.js';
import { repositoriesStep } from './repositories.js';
import { runnerRoleStep } from './runner-role.js';
import type { Step } from './step.js';

/**
 * The steps this stack needs, in the order apply runs them.
 *
 * @example
 * ```ts
 * stackSteps(stack).map((s) => s.id); // ['autoscaler.tags', 'autoscaler.role', 'gitlab.role', 'repositories', 'certificates']
 * ```
 */
export function stackSteps(stack: Stack): Step[] {
  const steps: Step[] = [];
  if (stack.autoscaler) steps.push(autoscalerTagsStep, autoscalerRoleStep);
  if (stack.gitlab) steps.push(runnerRoleStep);
  if (stack.repositories.length > 0) steps.push(repositoriesStep);
  if (stack.certificates.length > 0) steps.push(certificatesStep);
  return steps;
}
