/**
 * CloudWatch metrics in the Embedded Metric Format through Powertools Metrics: failures, warnings,
 * days to the nearest certificate expiry, and each check's duration.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { ChecksSummary } from './summary.js';

/** Metric names, shared with the deploy template's alarm. */
export const METRIC_NAMES = {
  failures: 'Failures',
  warnings: 'Warnings',
  checkErrors: 'CheckErrors',
  nearestCertificateExpiryDays: 'DaysToNearestCertificateExpiry',
  checkDuration: 'CheckDuration',
  /** 1 on every run that completed (the heartbeat: its alarm treats a missing value as breaching). */
  runCompleted: 'RunCompleted',
} as const;

/** Default metric namespace (`POWERTOOLS_METRICS_NAMESPACE` overrides it). */
export const DEFAULT_METRICS_NAMESPACE = 'EksKit/Checks';
/** Default service name, the `service` dimension (`POWERTOOLS_SERVICE_NAME` overrides it). */
export const DEFAULT_SERVICE_NAME = 'eks-kit-checks';

/**
 * Emit the summary's metrics: one EMF line with the totals and the heartbeat `RunCompleted` = 1
 * (dimensions `service`, `stack`), and one per check run with its duration (dimensions `service`,
 * `stack`, `check`).
 *
 * @example
 * ```ts
 * const metrics = new Metrics({ namespace: 'EksKit/Checks', serviceName: 'eks-kit-checks' });
 * publishSummaryMetrics(metrics, summary); // prints {"_aws":{"CloudWatchMetrics":[...]},"Failures":2,...}
 * ```
 */
export function publishSummaryMetrics(metrics: Metrics, summary: ChecksSummary): void {
  for (const target of summary.targets) {
    for (const check of target.checks) {
      const single = metrics.singleMetric();
      single.addDimension('stack', summary.stack);
      single.addDimension('check', check.name);
      single.addMetric(METRIC_NAMES.checkDuration, 'Milliseconds', check.durationMs);
    }
  }
  metrics.addDimension('stack', summary.stack);
  metrics.addMetric(METRIC_NAMES.failures, 'Count', summary.counts.fail);
  metrics.addMetric(METRIC_NAMES.warnings, 'Count', summary.counts.warn);
  metrics.addMetric(METRIC_NAMES.checkErrors, 'Count', summary.checkErrors);
  metrics.addMetric(METRIC_NAMES.runCompleted, 'Count', 1);
  if (summary.nearestCertificateExpiryDays !== undefined) {
    // CloudWatch has no "days" unit: the name carries it.
    metrics.addMetric(
      METRIC_NAMES.nearestCertificateExpiryDays,
      'None',
      summary.nearestCertificateExpiryDays,
    );
  }
  metrics.publishStoredMetrics();
}
