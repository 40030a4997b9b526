/**
 * Go duration strings, as the cluster-autoscaler's flags parse them with Go's `time.ParseDuration`.
 */
import { InvalidInputError } from '@eks-kit/core';

/**
 * Go's `time.ParseDuration` grammar without the sign: one or more `<decimal><unit>` parts, units
 * `ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`; or the bare `0`. A decimal is `1`, `1.5`, `.5` or `1.`.
 * Source: https://pkg.go.dev/time#ParseDuration. Negative durations are refused: no autoscaler
 * flag takes one.
 */
const GO_DURATION_RE = /^(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;

/**
 * Check a Go duration such as `10m`, `1h30m` or `90s` and return it unchanged.
 *
 * @example
 * ```ts
 * validateGoDuration('1h30m', 'extraArgs.scale-down-unneeded-time'); // '1h30m'
 * validateGoDuration('10 minutes', 'extraArgs.scan-interval');       // throws InvalidInputError
 * ```
 */
export function validateGoDuration(value: unknown, field: string): string {
  if (typeof value === 'number') {
    throw new InvalidInputError(field, value, 'a Go duration with a unit such as 10m, 1h30m or 90s', {
      hint: `add a unit, e.g. "${value}s"`,
    });
  }
  if (typeof value !== 'string' || (value !== '0' && !GO_DURATION_RE.test(value))) {
    throw new InvalidInputError(field, value, 'a Go duration with a unit such as 10m, 1h30m or 90s');
  }
  return value;
}
