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
 * Log the summary (counts, per-target and per-check results, without the findings repeated).
 *
 * @example
 * ```ts
 * logSummary(logger, summary); // {"level":"INFO","message":"eks-kit checks: fail (2 fail, 1 warn, 9 ok)","summary":{...}}
 * ```
 */
export function logSummary(logger: Logger, summary: ChecksSummary & { notification?: unknown }): void {
  const { findings: _findings, ...rest } = summary;
  const { fail, warn, ok } = summary.counts;
  const message = `eks-kit checks: ${summary.status} (${fail} fail, ${warn} warn, ${ok} ok)`;
  if (summary.status === 'fail') logger.error(message, { summary: rest });
  else if (summary.status === 'warn') logger.warn(message, { summary: rest });
  else logger.info(message, { summary: rest });
}
