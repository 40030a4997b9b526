/**
 * The digest the deploy step writes beside the stack JSON it validated, so that the checks Lambda
 * can tell the stack it reads is that very text (then it need not load the validator: no zod, no YAML
 * in the function's own file) from a stack edited since (then it validates it in full). It is a check
 * against edits and version skew, not a signature: anyone who may edit the function's environment may
 * edit both.
 */
import { createHash } from 'node:crypto';
import { VERSION } from '@eks-kit/core/clients';

/**
 * SHA-256 (hex) of a stack's JSON text as the deploy step stores it, salted with the eks-kit version
 * that validated it (a bundle of another version validates again).
 *
 * @example
 * ```ts
 * const json = JSON.stringify(parseStack(text));
 * env.EKS_KIT_STACK_SHA256 = stackDigest(json); // 64 hex digits
 * stackDigest(json) === env.EKS_KIT_STACK_SHA256; // true until the text or the version changes
 * ```
 */
export function stackDigest(json: string): string {
  return createHash('sha256').update(`eks-kit ${VERSION} stack\n`).update(json).digest('hex');
}
