/** Findings returned by every `check*` procedure; the CLI's `check` and the Lambda run the same functions. */

/** How serious a finding is. */
export type FindingStatus = 'ok' | 'warn' | 'fail';

/** One result of a check. */
export interface Finding {
  /** The check's id, e.g. `autoscaler.tags`, `certificate.renewal`. */
  check: string;
  /** The resource it concerns (a name or an ARN). */
  resource: string;
  status: FindingStatus;
  message: string;
  /** How to fix it. */
  hint?: string;
  /** Machine-readable figures, e.g. `{ daysToExpiry: 41 }`. */
  data?: Record<string, unknown>;
}

/**
 * Make a finding.
 *
 * @example
 * ```ts
 * finding('certificate.expiry', arn, 'warn', 'expires in 20 days', { hint: 'check renewal eligibility' });
 * ```
 */
export function finding(
  check: string,
  resource: string,
  status: FindingStatus,
  message: string,
  extra: { hint?: string; data?: Record<string, unknown> } = {},
): Finding {
  return {
    check,
    resource,
    status,
    message,
    ...(extra.hint ? { hint: extra.hint } : {}),
    ...(extra.data ? { data: extra.data } : {}),
  };
}

/**
 * The worst status among findings (`ok` for none).
 *
 * @example
 * ```ts
 * worstStatus([{ status: 'ok' }, { status: 'warn' }] as Finding[]); // 'warn'
 * ```
 */
export function worstStatus(findings: readonly Pick<Finding, 'status'>[]): FindingStatus {
  if (findings.some((f) => f.status === 'fail')) return 'fail';
  if (findings.some((f) => f.status === 'warn')) return 'warn';
  return 'ok';
}

/**
 * Count findings per status.
 *
 * @example
 * ```ts
 * summarizeFindings(findings); // { ok: 5, warn: 1, fail: 0 }
 * ```
 */
export function summarizeFindings(
  findings: readonly Pick<Finding, 'status'>[],
): Record<FindingStatus, number> {
  const out: Record<FindingStatus, number> = { ok: 0, warn: 0, fail: 0 };
  for (const f of findings) out[f.status]++;
  return out;
}
