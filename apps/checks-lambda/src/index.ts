/**
 * @eks-kit/checks-lambda: the eks-kit checks as a scheduled AWS Lambda, its read-only execution
 * policy and its deploy template.
 *
 * @packageDocumentation
 */
export { stackCheckTasks } from './checks/stack-check-tasks.js';
export {
  type AssumeRoleTarget,
  HANDLER_ENV,
  type HandlerConfig,
  type OrganizationSource,
  parseTargets,
  readHandlerConfig,
  readOrganizationSource,
  type StackSource,
} from './config/handler-config.js';
export { loadStackFromSource } from './config/load-stack.js';
export {
  type BatchResult,
  type ChangeEntry,
  type ChecksHandler,
  type ChecksHandlerDependencies,
  type ChecksResult,
  createChecksHandler,
  handler,
  type LambdaContextLike,
  MISSING_BATCHES_CHECK,
  type PlanResult,
  type ReportResult,
} from './handler.js';
export { checksExecutionPolicy } from './policy/checks-execution-policy.js';
export {
  type ChangedFailure,
  type CheckChanges,
  type CheckState,
  compareWithPrevious,
  DEFAULT_REMINDER_DAYS,
  type KeptFailure,
  type NoticeKind,
  parseCheckState,
} from './report/finding-state.js';
export { logFindings, logSummary, SUMMARY_TARGETS_LOGGED } from './report/log-findings.js';
export { changeNotice, type Notice, publishNotice } from './report/notify-failures.js';
export {
  DEFAULT_METRICS_NAMESPACE,
  DEFAULT_SERVICE_NAME,
  METRIC_NAMES,
  publishSummaryMetrics,
} from './report/publish-metrics.js';
export { redactSecrets } from './report/redact.js';
export { reportAnswer } from './report/report-run.js';
export {
  DEFAULT_SECONDS_PER_TARGET,
  MIN_TIMED_TARGETS,
  measureRunTiming,
  nextRunTiming,
  type RunSettings,
  type RunTiming,
  readRunTiming,
  secondsPerTargetOf,
  TIMING_MAX_AGE_DAYS,
  TIMING_PERCENTILE,
  TIMING_SAFETY_FACTOR,
  usableRunTiming,
} from './report/run-timing.js';
export {
  readCheckState,
  readCheckStateObject,
  STATE_MAX_CHARS,
  STATE_OBJECT_KEY,
  type StoredCheckState,
  serializeCheckState,
  writeCheckState,
  writeCheckStateObject,
} from './report/state-store.js';
export { type ChecksSummary, nearestExpiryDays, summarizeRuns, type TargetResult } from './report/summary.js';
export {
  ASSUME_ROLE_CHECK,
  assumeDeniedBy,
  type CheckTargetsOptions,
  checkTargets,
  targetLabel,
} from './run/check-targets.js';
export type { CheckOutcome, CheckRun, CheckTask } from './run/check-task.js';
export {
  ORGANIZATIONS_PAGE_SIZE,
  planRun,
  type RunPlan,
  resolveOrganizationTargets,
} from './run/organization-targets.js';
export {
  type BatchEvent,
  compactResults,
  type PlanEvent,
  type ReportEvent,
  type RunPhase,
  readPhase,
} from './run/phases.js';
export { type RunCheckTasksOptions, runCheckTasks } from './run/run-check-tasks.js';
export {
  batchesKey,
  getJson,
  MAP_RESULTS_PREFIX,
  putJson,
  RUNS_PREFIX,
  readRunResults,
  reportKey,
  resultsKey,
  resultsPrefix,
  writeBatches,
  writeBatchResults,
} from './run/run-store.js';
export {
  ASSUME_ROLE_SESSION_NAME,
  assumeRoleTarget,
  type CheckTarget,
  knownCallerIdentity,
} from './run/target-clients.js';
export {
  type CheckerNames,
  checkerNames,
  checksDeployTemplate,
  DEFAULT_SCHEDULE,
  type DeployTemplateOptions,
  HEARTBEAT_MARGIN_HOURS,
  heartbeatHoursFor,
  LAMBDA_ARCHITECTURE,
  LAMBDA_HANDLER,
  LAMBDA_RUNTIME,
  READ_POLICY_NAME,
  RUNTIME_POLICY_NAME,
  renderDeployTemplate,
  type SamTemplate,
  type TemplateResource,
} from './template/deploy-template.js';
export {
  fanOutDefinition,
  ORGANIZATION_TARGET_CONCURRENCY,
  ORGANIZATIONS_READ_ACTIONS,
  type OrganizationTemplateOptions,
  organizationEnvironment,
  organizationStatements,
  stateMachine,
  stateMachineName,
  stateMachineRole,
  type ValidatedOrganizationOptions,
  validateOrganizationOptions,
} from './template/organization-fan-out.js';
