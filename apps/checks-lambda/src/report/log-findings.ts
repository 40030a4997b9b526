/**
 * Findings and the summary as structured JSON log lines (Powertools Logger).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ChecksSummary } from './summary.js';

/**
 * Log each finding as JSON under `finding`: `ok` at info, `warn` at warn, `fail` at error level.
 *
 * @example
 * ```ts
 * logFindings(new Logger({ serviceName: 'eks-kit-checks' }), summary);
 * // {"level":"ERROR","message":"fail certificate.validation-record arn:...","finding":{...},...}
 * ```
 */
export function logFindings(logger: Logger, summary: ChecksSummary): void {
  for (const f of summary.findings) {
    const line = `${f.status} ${f.check} ${f.resource}`;
    if (f.status === 'fail') logger.error(line, { finding: f });
    else if (f.status === 'warn') logger.warn(line, { finding: f });
    else logger.info(line, { finding: f });
  }
}

/**
 * Targets the summary line lists at most. A log event is at most 1 MB in CloudWatch Logs (256 KB
 * before April 2025: AWS What's New, "Amazon CloudWatch Logs increases log event size to 1 MB",
 * 2025-04; read 2026-12-07), and one target's entry is some 250 bytes with its checks: 5,001 targets
 * made a 1.2 MB line. Past this many, the line keeps the worst targets first and says how many it
 * left out; every finding is still its own line, and a split run's whole summary is in its S3 report.
 */
export const SUMMARY_TARGETS_LOGGED = 500;

const WORST_FIRST: Record<string, number> = { fail: 0, warn: 1, ok: 2 };

/**
 * Log the summary (counts, per-target and per-check results, without the findings repeated). Past
 * {@link SUMMARY_TARGETS_LOGGED} targets, the worst ones only, with `targetsNotLogged`.
 *
 * @example
 * ```ts
 * logSummary(logger, summary); // {"level":"INFO","message":"eks-kit checks: fail (2 fail, 1 warn, 9 ok)","summary":{...}}
 * ```
 */
export function logSummary(logger: Logger, summary: ChecksSummary & { notification?: unknown }): void {
  const { findings: _findings, ...all } = summary;
  const rest =
    all.targets.length > SUMMARY_TARGETS_LOGGED
      ? {
          ...all,
          targets: [...all.targets]
            .sort((a, b) => (WORST_FIRST[a.status] ?? 3) - (WORST_FIRST[b.status] ?? 3))
            .slice(0, SUMMARY_TARGETS_LOGGED),
          targetsNotLogged: all.targets.length - SUMMARY_TARGETS_LOGGED,
        }
      : all;
  const { fail, warn, ok } = summary.counts;
  const message = `eks-kit checks: ${summary.status} (${fail} fail, ${warn} warn, ${ok} ok)`;
  if (summary.status === 'fail') logger.error(message, { summary: rest });
  else if (summary.status === 'warn') logger.warn(message, { summary: rest });
  else logger.info(message, { summary: rest });
}
