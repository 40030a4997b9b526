/**
 * @eks-kit/core: shared plumbing of every eks-kit package.
 *
 * @packageDocumentation
 */
export * from './account.js';
export * from './assume-role.js';
export * from './changes.js';
export * from './clients.js';
export * from './deletion.js';
export * from './eks-errors.js';
export * from './errors.js';
export * from './findings.js';
export * from './nearest-name.js';
export * from './own-keys.js';
export * from './ownership.js';
export * from './path-problems.js';
export * from './poll.js';
export * from './sorted-json.js';
export * from './stack-tag.js';
export * from './validators.js';
export { VERSION } from './version.js';
