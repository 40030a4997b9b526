/**
 * The summary the handler returns and logs: counts per status, per target, and per check.
 */
import { type Finding, type FindingStatus, summarizeFindings, worstStatus } from '@eks-kit/core';
import type { CheckOutcome, CheckRun } from '../run/check-task.js';

/** The checks of one target (an account/region). */
export interface TargetResult {
  target: string;
  region: string;
  /** Account id (targets from Organizations). */
  accountId?: string;
  /** Account name in the organisation. */
  accountName?: string;
  /** Why the target was not checked (e.g. `account is SUSPENDED`); its `runs` are empty. */
  skipped?: string;
  /**
   * Wall time of a checked target, in milliseconds: its AssumeRole (the first region of an account)
   * through its last check. Absent for a skipped target, one whose role could not be assumed, one whose
   * checks did not all complete (a time cut short), and the function's own account. The report keeps
   * their p90 for the next run's plan (report/run-timing.ts).
   */
  durationMs?: number;
  /**
   * Not a target: findings about the run itself (a split run's missing batches, labelled `run`). Listed
   * with the targets and their findings counted, but not in `targetCounts`, which counts real targets.
   */
  notATarget?: true;
  runs: CheckRun[];
}

/** What one invocation found. */
export interface ChecksSummary {
  stack: string;
  /** Worst status over every finding. */
  status: FindingStatus;
  counts: Record<FindingStatus, number>;
  /** Checks that threw or timed out (each also counted as one `fail` finding). */
  checkErrors: number;
  /** Fewest days to the expiry of a checked certificate, when a check reported one. */
  nearestCertificateExpiryDays?: number;
  /** Targets checked, skipped (suspended accounts) and whose role could not be assumed: together every target once. */
  targetCounts: { checked: number; skipped: number; unreachable: number };
  targets: Array<{
    target: string;
    region: string;
    accountId?: string;
    accountName?: string;
    skipped?: string;
    status: FindingStatus;
    counts: Record<FindingStatus, number>;
    checks: Array<{ name: string; outcome: CheckOutcome; durationMs: number; findings: number }>;
  }>;
  /** Every finding, labelled with its target. */
  findings: Array<Finding & { target: string }>;
}

/**
 * Summarise the check runs of every target.
 *
 * @example
 * ```ts
 * const summary = summarizeRuns('prod', [{ target: 'self', region: 'eu-west-1', runs }]);
 * summary.counts; // { ok: 7, warn: 1, fail: 2 }
 * ```
 */
export function summarizeRuns(stack: string, results: readonly TargetResult[]): ChecksSummary {
  const findings = results.flatMap((r) =>
    r.runs.flatMap((run) => run.findings.map((f) => ({ ...f, target: r.target }))),
  );
  const expiry = nearestExpiryDays(findings);
  const counts = summarizeFindings(findings);
  // `ok` findings a batch left out of its answer (compactResults) still count.
  counts.ok += results.reduce((n, r) => n + r.runs.reduce((m, run) => m + (run.omittedOk ?? 0), 0), 0);
  // Real targets only: the report's `run` entry (missing batches) is no account/region (issue 21 trial).
  const real = results.filter((r) => !r.notATarget);
  const unreachable = real.filter((r) => r.runs.some((run) => run.name === 'checks.assume-role')).length;
  const skipped = real.filter((r) => r.skipped !== undefined).length;
  return {
    stack,
    status: worstStatus(findings),
    counts,
    checkErrors: results.reduce((n, r) => n + r.runs.filter((run) => run.outcome !== 'completed').length, 0),
    ...(expiry !== undefined ? { nearestCertificateExpiryDays: expiry } : {}),
    targetCounts: { checked: real.length - skipped - unreachable, skipped, unreachable },
    targets: results.map((r) => {
      const own = r.runs.flatMap((run) => run.findings);
      const ownCounts = summarizeFindings(own);
      ownCounts.ok += r.runs.reduce((m, run) => m + (run.omittedOk ?? 0), 0);
      return {
        target: r.target,
        region: r.region,
        ...(r.accountId ? { accountId: r.accountId } : {}),
        ...(r.accountName ? { accountName: r.accountName } : {}),
        ...(r.skipped !== undefined ? { skipped: r.skipped } : {}),
        status: worstStatus(own),
        counts: ownCounts,
        checks: r.runs.map((run) => ({
          name: run.name,
          outcome: run.outcome,
          durationMs: run.durationMs,
          findings: run.findings.length + (run.omittedOk ?? 0),
        })),
      };
    }),
    findings,
  };
}

/**
 * The fewest days to expiry among findings carrying `data.daysToExpiry` (certificate checks).
 *
 * @example
 * ```ts
 * nearestExpiryDays([{ data: { daysToExpiry: 41 } }, { data: { daysToExpiry: 12 } }] as Finding[]); // 12
 * ```
 */
export function nearestExpiryDays(findings: readonly Finding[]): number | undefined {
  let nearest: number | undefined;
  for (const f of findings) {
    const days = f.data?.daysToExpiry;
    if (typeof days === 'number' && Number.isFinite(days) && (nearest === undefined || days < nearest))
      nearest = days;
  }
  return nearest;
}
