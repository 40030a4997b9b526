/**
 * @eks-kit/stack: the `eks-kit.yaml` stack file (schema, loader with `file:line` errors, starter)
 * and the orchestration the CLI and the checks Lambda share: plan, apply, check and render.
 *
 * @packageDocumentation
 */

// Core's one copy, re-exported for callers of 0.1: the account lookup, and `nearestKey`, deprecated
// since 0.2 for core's `nearestName` (the same rule), kept for one minor.
export { type AccountInfo, describeAccount, nearestName as nearestKey } from '@eks-kit/core';
// The deployed checks Lambda as the Lambda and the CLI's `check --checker` both see it (issue 20).
export {
  type CheckPermission,
  checkActions,
  checkPermissions,
  type PermissionScope,
} from './checker/check-permissions.js';
export { type CheckState, type KeptFailure, parseCheckState } from './checker/check-state.js';
export {
  type CheckerNames,
  checkerNames,
  DEFAULT_SCHEDULE,
  HEARTBEAT_MARGIN_HOURS,
  HEARTBEAT_MAX_HOURS,
  heartbeatHoursFor,
} from './checker/checker-names.js';
export {
  CHECKER_CHECKS,
  type VerifyCheckerOptions,
  verifyDeployedChecker,
} from './checker/verify-checker.js';
export { MAX_YAML_ALIASES, MAX_YAML_DEPTH, MAX_YAML_NODES } from './load/bounded-yaml.js';
export { formatPath, parsePath } from './load/field-path.js';
export {
  loadStack,
  MAX_STACK_BYTES,
  type ParseStackOptions,
  parseStack,
  readStackYaml,
  type StackYaml,
} from './load/parse-stack.js';
export { parseStackJson } from './load/parse-stack-json.js';
export { STACK_TAG_KEY, validateStack } from './load/semantic.js';
export { stackDigest } from './load/stack-digest.js';
export { type DataLocator, type Locate, validateStackData } from './load/validate-data.js';
export { type ApplyStackOptions, type ApplyStackResult, applyStack } from './orchestrate/apply-stack.js';
export {
  AUTO_MODE_CHECK,
  autoModeFinding,
  autoModeRenderError,
  autoModeToRefuse,
} from './orchestrate/auto-mode.js';
export {
  type CertificateRequestContext,
  certificateRequest,
  normalisedCertificateRequest,
} from './orchestrate/certificate-request.js';
export { type CheckStackOptions, checkStack } from './orchestrate/check-stack.js';
export {
  CHECKS_LAMBDA_ROLE_PREFIX,
  checkDerivedNames,
  DERIVED_NAME_LIMITS,
  type DerivedName,
  type DerivedNameKind,
  derivedNames,
  validateDerivedNames,
} from './orchestrate/derived-names.js';
export {
  type CertificateRegionsOptions,
  destroyCertificateRegions,
  enabledRegions,
  type RegionFailure,
  validateDestroyRegions,
} from './orchestrate/destroy-regions.js';
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
  type FindOrphansOptions,
  findOrphans,
  type Orphan,
  orphanChange,
  orphanFinding,
  pruneOrphans,
} from './orchestrate/orphans.js';
export {
  type LeftOrphan,
  type PlanStackOptions,
  type PlanStackResult,
  planPrune,
  planStack,
} from './orchestrate/plan-stack.js';
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
  bindSharedReads,
  outsideSharedReads,
  READ_ONLY_RUN_READS,
  RUN_STABLE_READS,
  type SharedReadsMode,
  sharedReadsRun,
  shareReads,
  withSharedReads,
} from './orchestrate/shared-reads.js';
export { type StackCheck, type StackCheckRunOptions, stackChecks } from './orchestrate/stack-checks.js';
export { inStackTerms, workerGroupSelectionInStackTerms } from './orchestrate/stack-hints.js';
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
