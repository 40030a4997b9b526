export * from './aws-context.js';
export * from './check-role.js';
export * from './ensure-managed-policy.js';
export * from './ensure-role.js';
export * from './oidc-provider.js';
export type { PlannedStep } from './plan-role.js';
export * from './propagation.js';
export * from './read-role.js';
export * from './role-input.js';
