/**
 * @eks-kit/ecr-credentials: ECR for kaniko/BuildKit in GitLab CI. Registry hosts, docker config,
 * tokens, repositories, the push check, CI jobs and ECR policies.
 *
 * @packageDocumentation
 */
export {
  type DockerAuthEntry,
  type DockerConfig,
  type DockerConfigInput,
  type DockerConfigWarning,
  dockerConfig,
  dockerConfigWarnings,
  ECR_LOGIN_HELPER,
  mergeDockerConfig,
} from './builders/docker-config.js';
export {
  ECR_PULL_ACTIONS,
  ECR_PUSH_ACTIONS,
  ecrBuilderPolicy,
  ecrCachePolicy,
  ecrPullPolicy,
  ecrPushPolicy,
} from './builders/ecr-policies.js';
export {
  type BuildkitHelperSource,
  type GitlabBuildJobInput,
  type GitlabBuildkitJobInput,
  gitlabBuildkitJob,
  gitlabKanikoJob,
} from './builders/gitlab-jobs.js';
export {
  expireImagesAfterDays,
  expireUntaggedAfterDays,
  keepLastImages,
  keepLastTaggedImages,
  type LifecyclePolicy,
  type LifecycleRule,
  type LifecycleRuleInput,
  type LifecycleSelection,
  lifecyclePolicy,
} from './builders/lifecycle.js';
export {
  BUILDKIT_IMAGE_REPOSITORY,
  DEFAULT_BUILDKIT_IMAGE,
  DEFAULT_KANIKO_IMAGE,
  ECR_LOGIN_HELPER_VERSION,
  KANIKO_IMAGE_REPOSITORY,
  type OutdatedPin,
  outdatedPins,
  PINNED_TOOLS,
  type PinnedTool,
  type PinnedToolName,
  withImageDigest,
} from './builders/pinned-tools.js';
export {
  ECR_PUBLIC_HOST,
  parseRegistryHost,
  type RegistryHost,
  registryHost,
  registryHostFor,
} from './builders/registry-host.js';
export {
  type RegistryScanningRef,
  type RegistryScanningRuleRef,
  type ScanningDecision,
  scanFilterMatches,
  scanningDecision,
} from './builders/registry-scanning.js';
export {
  type RepositoryPolicyGrant,
  repositoryPolicyGrants,
  type StackPrincipals,
} from './builders/repository-policy-grants.js';
export {
  cacheRepositoryName,
  parseRepositoryRef,
  type RepositoryRef,
  repositoryArn,
  validateRepositoryName,
} from './builders/repository-ref.js';
export {
  kanikoCacheRepository,
  type NormalisedRepositorySpec,
  normaliseRepositorySpec,
  type RepositoryEncryption,
  type RepositorySpec,
  STACK_TAG,
  type TagMutability,
} from './builders/repository-spec.js';
export {
  shellQuote,
  shellWordWithVariables,
  validateBuildPath,
  validateImageReference,
  validateImageTag,
} from './builders/shell-words.js';
export { isTagImmutable } from './builders/tag-mutability.js';
export { checkPushAccess, type PushAccessInput, type PushAccessOutcome } from './checks/push-access.js';
export { checkRepositoryGrants } from './checks/repository-grants.js';
export {
  readDockerConfig,
  type WriteDockerConfigResult,
  writeDockerConfig,
} from './io/docker-config-file.js';
export {
  type DeleteRepositorySpec,
  deleteRepository,
  FORCE_DELETE_IMAGES_HINT,
  findRepositoriesOfStack,
  type RepositoryScan,
  scanRepositoriesOfStack,
} from './procedures/delete-repository.js';
export { DockerAuth, getDockerAuth } from './procedures/docker-auth.js';
export {
  type EnsureRepositoryInput,
  type EnsureRepositoryResult,
  ensureRepository,
} from './procedures/ensure-repository.js';
export {
  ensureRunnerRole,
  findRunnerRoleBlockers,
  RUNNER_POLICY_NAME,
  type RunnerRoleInput,
  type RunnerRoleResult,
} from './procedures/ensure-runner-role.js';
export { readRegistryScanning } from './procedures/registry-scanning.js';
