/**
 * `@eks-kit/stack/stored`: the stack and the checks' state as the checks Lambda stores them (the
 * stack's digest, the state between runs), without the stack's schema or procedures. The Lambda's
 * handler imports this entry at load time and the rest of the package only with its checks' code, at
 * the first invocation (issue 21): everything here is re-exported by `@eks-kit/stack` too.
 *
 * @packageDocumentation
 */
export { type CheckState, type KeptFailure, parseCheckState } from './checker/check-state.js';
export { stackDigest } from './load/stack-digest.js';
