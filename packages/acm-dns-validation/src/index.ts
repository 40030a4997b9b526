/**
 * @eks-kit/acm-dns-validation: ACM certificates validated through Route 53, idempotent requests,
 * fast waits and renewal health checks.
 *
 * @packageDocumentation
 */
export * from './builders/caa.js';
export * from './builders/change-batches.js';
export * from './builders/dns-account-policy.js';
export * from './builders/request.js';
export * from './builders/validation-records.js';
export * from './builders/zones.js';
export * from './checks/check-certificates.js';
export * from './checks/delegation.js';
export * from './checks/public-resolution.js';
export * from './procedures/delete-certificate.js';
export * from './procedures/describe.js';
export * from './procedures/ensure-certificate.js';
export * from './procedures/ensure-validation-records.js';
export * from './procedures/find-certificate.js';
export * from './procedures/route53.js';
export * from './procedures/wait-for-issued.js';
