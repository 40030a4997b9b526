/**
 * @eks-kit/ecr-credentials: ECR for kaniko/BuildKit in GitLab CI. Registry hosts, docker config,
 * tokens, repositories, the push check, CI jobs and ECR policies.
 *
 * @packageDocumentation
 */
export * from './builders/docker-config.js';
export * from './builders/ecr-policies.js';
export * from './builders/gitlab-jobs.js';
export * from './builders/lifecycle.js';
export * from './builders/pinned-tools.js';
export * from './builders/registry-host.js';
export * from './builders/registry-scanning.js';
export * from './builders/repository-ref.js';
export * from './builders/repository-spec.js';
export * from './builders/shell-words.js';
export * from './builders/tag-mutability.js';
export * from './checks/push-access.js';
export * from './checks/repository-grants.js';
export * from './io/docker-config-file.js';
export * from './procedures/delete-repository.js';
export * from './procedures/docker-auth.js';
export * from './procedures/ensure-repository.js';
export * from './procedures/ensure-runner-role.js';
export * from './procedures/registry-scanning.js';
