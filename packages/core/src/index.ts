/**
 * @eks-kit/core: shared plumbing of every eks-kit package.
 *
 * @packageDocumentation
 */
export * from './assume-role.js';
export * from './changes.js';
export * from './clients.js';
export * from './commands.js';
export * from './deletion.js';
export * from './errors.js';
export * from './findings.js';
export * from './own-keys.js';
export * from './ownership.js';
export * from './poll.js';
export * from './quotas.js';
export * from './stack-tag.js';
export * from './validators.js';
export { VERSION } from './version.js';
