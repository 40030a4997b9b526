/**
 * @eks-kit/stack: the `eks-kit.yaml` stack file (schema, loader with `file:line` errors, starter)
 * and the orchestration the CLI and the checks Lambda share: plan, apply, check and render.
 *
 * @packageDocumentation
 */
export { formatPath, parsePath } from './load/field-path.js';
export { loadStack, parseStack } from './load/parse-stack.js';
export { STACK_TAG_KEY, validateStack } from './load/semantic.js';
export { nearestKey } from './load/suggest.js';
export {
  BUILDERS,
  IDENTITY_MODES,
  KEY_ALGORITHMS,
  type Stack,
  type StackAutoscaler,
  type StackCertificate,
  type StackCluster,
  type StackGitlab,
  type StackRepository,
  stackSchema,
  TAG_MUTABILITIES,
} from './schema/stack-schema.js';
export { starterStack } from './starter.js';
