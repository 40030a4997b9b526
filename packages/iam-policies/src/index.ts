/**
 * @eks-kit/iam-policies: typed IAM policy and trust documents, validation, semantic comparison, and
 * idempotent roles and managed policies.
 */
export * from './builders/index.js';
export * from './procedures/index.js';
