/**
 * @eks-kit/asg-discovery: everything the Cluster Autoscaler needs on the AWS side: discovery tags,
 * node groups, its IAM role, a fit check, and a reader for its logs.
 *
 * @packageDocumentation
 */

export * from './builders/balancing.js';
export * from './builders/pod-fit.js';
export * from './builders/policy.js';
export * from './builders/quantity.js';
export * from './builders/service-account.js';
export * from './builders/tags.js';
export * from './checks/check-setup.js';
export { groupFindings } from './checks/group-findings.js';
export { type GroupShapeOptions, groupShapeFindings } from './checks/group-shape-findings.js';
export { logGroupFindings } from './checks/log-group-findings.js';
export { nodeTemplateFindings } from './checks/node-template-findings.js';
export { createDiagnoser, type Diagnoser, type Diagnosis } from './logs/diagnose.js';
export type { AutoscalerErrorKind, AutoscalerEvent, PlannedScaleUp } from './logs/events.js';
export { parseGoDuration } from './logs/go-duration.js';
export { groupOfTemplateNode, type ScaleDownBlockReason } from './logs/more-events.js';
export type { LogLevel, LogRecord } from './logs/parse-line.js';
export * from './logs/read-log.js';
export {
  type CompletedSummary,
  createSummarizer,
  type ScaleDownSummary,
  type ScaleUpSummary,
} from './logs/summarize.js';
export * from './procedures/addons.js';
export * from './procedures/autoscaler-identity.js';
export * from './procedures/compute-mode.js';
export * from './procedures/discover.js';
export * from './procedures/ensure-role.js';
export * from './procedures/ensure-tags.js';
export * from './procedures/find-groups.js';
export * from './procedures/instance-types.js';
export * from './procedures/node-group.js';
export * from './procedures/nodegroup-template.js';
export * from './procedures/pod-identity.js';
export * from './procedures/remove-tags.js';
