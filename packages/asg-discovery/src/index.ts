/**
 * @eks-kit/asg-discovery: everything the Cluster Autoscaler needs on the AWS side: discovery tags,
 * node groups, its IAM role, a fit check, and a reader for its logs.
 *
 * @packageDocumentation
 */

export {
  AUTOSCALER_IGNORED_LABELS,
  differingLabels,
  EKS_BALANCING_IGNORE_LABELS,
} from './builders/balancing.js';
export {
  DEFAULT_VM_MEMORY_OVERHEAD_PERCENT,
  EKS_EVICTION_MEMORY_MIB,
  eniMaxPods,
  type InstanceTypeInfo,
  kubeReservedCpuMillicores,
  kubeReservedMemoryMebibytes,
  type PodFitResult,
  podFits,
  type ResourceRequests,
} from './builders/pod-fit.js';
export {
  AUTOSCALER_READ_ACTIONS,
  AUTOSCALER_WRITE_ACTIONS,
  type AutoscalerPolicyScope,
  clusterAutoscalerPolicy,
} from './builders/policy.js';
export { cpuMillicores, memoryMebibytes, parseQuantity } from './builders/quantity.js';
export {
  clusterAutoscalerServiceAccountName,
  DEFAULT_NAMESPACE,
  DEFAULT_RELEASE_NAME,
  validateKubernetesName,
  validateNamespace,
} from './builders/service-account.js';
export {
  type AsgTag,
  AUTOSCALER_TAG_PREFIX,
  type AutoscalingOptions,
  autoDiscoveryTags,
  clusterOwnedTagKey,
  EKS_CLUSTER_NAME_TAG_KEY,
  EKS_NODEGROUP_NAME_TAG_KEY,
  ENABLED_TAG_KEY,
  hasNodeTemplateTags,
  kubernetesClusterTagKey,
  NODE_TEMPLATE_TAG_PREFIX,
  type NodeTemplate,
  nodeTemplateTags,
  type TaintEffect,
  type TaintInput,
  tagsToMap,
} from './builders/tags.js';
export {
  CHECK_AUTOSCALER_SETUP_ACTIONS,
  type CheckAutoscalerSetupInput,
  checkAutoscalerSetup,
} from './checks/check-setup.js';
export { groupFindings } from './checks/group-findings.js';
export { type GroupShapeOptions, groupShapeFindings } from './checks/group-shape-findings.js';
export { logGroupFindings } from './checks/log-group-findings.js';
export { nodeTemplateFindings } from './checks/node-template-findings.js';
export { createDiagnoser, type Diagnoser, type Diagnosis } from './logs/diagnose.js';
export type { AutoscalerErrorKind, AutoscalerEvent, PlannedScaleUp } from './logs/events.js';
export { parseGoDuration } from './logs/go-duration.js';
export { groupOfTemplateNode, type ScaleDownBlockReason } from './logs/more-events.js';
export type { LogLevel, LogRecord } from './logs/parse-line.js';
export {
  type AutoscalerLogInput,
  type AutoscalerLogReport,
  createAutoscalerLogReader,
  MAX_LOG_LINE_CHARS,
  type ReadLogOptions,
  readAutoscalerLog,
} from './logs/read-log.js';
export {
  type CompletedSummary,
  createSummarizer,
  type ScaleDownSummary,
  type ScaleUpSummary,
} from './logs/summarize.js';
export {
  type ClusterAddon,
  describeClusterAddon,
  METRICS_SERVER_ADDON,
  POD_IDENTITY_AGENT_ADDON,
} from './procedures/addons.js';
export {
  type AutoscalerIdentity,
  type AutoscalerRoleInput,
  autoscalerTrustPolicy,
  type OidcFacts,
  oidcProviderHint,
  type ResolvedAutoscalerRole,
  readClusterOidc,
  resolveAutoscalerRoleInput,
} from './procedures/autoscaler-identity.js';
export { type ClusterComputeMode, readComputeMode } from './procedures/compute-mode.js';
export { discoverNodeGroups } from './procedures/discover.js';
export {
  AUTOSCALER_POLICY_NAME,
  type EnsureClusterAutoscalerRoleInput,
  type EnsureClusterAutoscalerRoleResult,
  ensureClusterAutoscalerRole,
  findClusterAutoscalerRoleBlockers,
} from './procedures/ensure-role.js';
export {
  type EnsureAutoDiscoveryTagsInput,
  type EnsureAutoDiscoveryTagsResult,
  ensureAutoDiscoveryTags,
  MAX_TAGS_PER_GROUP,
  TAG_BATCH_SIZE,
} from './procedures/ensure-tags.js';
export {
  ASG_PAGE_SIZE,
  autoDiscoveryFilters,
  describeGroupsByTags,
  findNodeGroups,
  forEachGroupPage,
  forEachSelectedGroup,
  type GroupPageOptions,
  type NodeGroupSelector,
  validateSelector,
} from './procedures/find-groups.js';
export { describeInstanceTypes, resolveInstanceTypes } from './procedures/instance-types.js';
export {
  type InstanceTypeSource,
  type LaunchTemplateRef,
  type NodeGroup,
  nodeGroupFromApi,
} from './procedures/node-group.js';
export {
  EKS_MANAGED_NODE_LABELS,
  kubeletFlagsFromUserData,
  nodeTemplateFromNodegroup,
  nodeTemplatesFromNodegroups,
  type ReadNodeTemplate,
  readNodeTemplates,
} from './procedures/nodegroup-template.js';
export { ensurePodIdentityAssociation, findPodIdentityAssociation } from './procedures/pod-identity.js';
export {
  deletePodIdentityAssociation,
  type RemoveAutoDiscoveryTagsResult,
  removeAutoDiscoveryTags,
  stackWrittenTagKeys,
} from './procedures/remove-tags.js';
