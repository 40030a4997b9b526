/**
 * @eks-kit/stack: the `eks-kit.yaml` stack file (schema, loader with `file:line` errors, starter)
 * and the orchestration the CLI and the checks Lambda share: plan, apply, check and render.
 *
 * @packageDocumentation
 */

export { MAX_YAML_ALIASES, MAX_YAML_DEPTH, MAX_YAML_NODES } from './load/bounded-yaml.js';
export { formatPath, parsePath } from './load/field-path.js';
export { loadStack, MAX_STACK_BYTES, type ParseStackOptions, parseStack } from './load/parse-stack.js';
export { STACK_TAG_KEY, validateStack } from './load/semantic.js';
export { nearestKey } from './load/suggest.js';
export { type AccountInfo, describeAccount } from './orchestrate/account.js';
export { type ApplyStackOptions, type ApplyStackResult, applyStack } from './orchestrate/apply-stack.js';
export {
  AUTO_MODE_CHECK,
  autoModeFinding,
  autoModeRenderError,
  autoModeToRefuse,
} from './orchestrate/auto-mode.js';
export { type CheckStackOptions, checkStack } from './orchestrate/check-stack.js';
export {
  CHECKS_LAMBDA_ROLE_PREFIX,
  checkDerivedNames,
  DERIVED_NAME_LIMITS,
  type DerivedName,
  type DerivedNameKind,
  derivedNames,
} from './orchestrate/derived-names.js';
export {
  type DestroyStackOptions,
  type DestroyStackResult,
  destroyStack,
  type KeptResource,
  planDestroy,
} from './orchestrate/destroy-stack.js';
export {
  autoscalerRoleName,
  autoscalerServiceAccount,
  runnerRoleName,
  stackRepositoryNames,
  stackTags,
} from './orchestrate/names.js';
export {
  findOrphans,
  type Orphan,
  orphanChange,
  orphanFinding,
  pruneOrphans,
} from './orchestrate/orphans.js';
export { type PlanStackOptions, type PlanStackResult, planStack } from './orchestrate/plan-stack.js';
export { type CheckRun, type RunChecksOptions, runChecks } from './orchestrate/run-checks.js';
export {
  blockerFinding,
  type ChangesBefore,
  changesBefore,
  isBlocker,
  type RunStepsOptions,
  STEP_DEPENDENCIES,
  type StepReport,
} from './orchestrate/run-steps.js';
export {
  outsideSharedReads,
  READ_ONLY_RUN_READS,
  RUN_STABLE_READS,
  type SharedReadsMode,
  sharedReadsRun,
  shareReads,
  withSharedReads,
} from './orchestrate/shared-reads.js';
export { type StackCheck, type StackCheckRunOptions, stackChecks } from './orchestrate/stack-checks.js';
export { inStackTerms } from './orchestrate/stack-hints.js';
export { type RenderedFile, renderStack } from './render/render-stack.js';
export {
  BUILDERS,
  IDENTITY_MODES,
  KEY_ALGORITHMS,
  type Stack,
  type StackAutoscaler,
  type StackCertificate,
  type StackCluster,
  type StackDns,
  type StackGitlab,
  type StackRepository,
  stackSchema,
  TAG_MUTABILITIES,
} from './schema/stack-schema.js';
export { starterStack } from './starter.js';
export {
  autoscalerIdentity,
  autoscalerRoleInput,
  autoscalerShapeOptions,
  workerGroupSelection,
} from './steps/autoscaler.js';
export { certificateDns, dnsRoleClients, findDnsRoleBlockers } from './steps/certificates.js';
export { stackSteps } from './steps/index.js';
export { resolveStackNodeTemplates } from './steps/node-templates.js';
export { desiredRepositories, repositoryLifecycle } from './steps/repositories.js';
export { runnerRoleInput } from './steps/runner-role.js';
export type { CertificateOutcome, Step, StepContext, StepOutcome } from './steps/step.js';
