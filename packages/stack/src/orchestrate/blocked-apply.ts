/** The error of an apply that a prerequisite blocks: refused before its first mutating call. */
import { EksKitError, type Finding } from '@eks-kit/core';

/** The `fail` findings among a run's findings: each blocks the apply. */
export function blockingFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.status === 'fail');
}

/**
 * One `ApplyBlocked` error (CLI exit 1) for the blocking findings: their messages, what each blocks,
 * and their hints (each said once), on one line, with "nothing was changed".
 *
 * @example
 * ```ts
 * throw applyBlockedError(plan.findings.filter((f) => f.status === 'fail'));
 * // ApplyBlocked: apply blocked, nothing was changed: IAM has no OIDC provider for cluster seed (...): IRSA cannot work
 * //   (blocks iam role seed-cluster-autoscaler, iam role seed-gitlab-runner-build) (hint: create the cluster's IAM OIDC provider: ...)
 * ```
 */
export function applyBlockedError(blocking: readonly Finding[]): EksKitError {
  const messages = unique(blocking.map((f) => f.message));
  const blocked = unique(
    blocking.map((f) => f.data?.blocks).filter((b): b is string => typeof b === 'string'),
  );
  const hints = unique(blocking.map((f) => f.hint).filter((h): h is string => h !== undefined));
  const what = blocked.length > 0 ? ` (blocks ${blocked.join(', ')})` : '';
  return new EksKitError(
    'ApplyBlocked',
    `apply blocked, nothing was changed: ${messages.join('; ')}${what}`,
    hints.length > 0 ? { hint: hints.join('; ') } : {},
  );
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
