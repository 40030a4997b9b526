/**
 * @eks-kit/checks-lambda: the eks-kit checks as a scheduled AWS Lambda, its read-only execution
 * policy and its deploy template.
 *
 * @packageDocumentation
 */
export * from './checks/stack-check-tasks.js';
export * from './config/handler-config.js';
export * from './config/load-stack.js';
export * from './handler.js';
export * from './policy/checks-execution-policy.js';
export * from './report/finding-state.js';
export * from './report/log-findings.js';
export * from './report/notify-failures.js';
export * from './report/publish-metrics.js';
export * from './report/redact.js';
export * from './report/state-store.js';
export * from './report/summary.js';
export * from './run/check-targets.js';
export * from './run/check-task.js';
export * from './run/run-check-tasks.js';
export * from './run/target-clients.js';
export * from './template/deploy-template.js';
