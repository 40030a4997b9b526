/** Go `time.Duration` strings (`2m0.79s`, `1h2m`, `350ms`) in seconds. */

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };

/**
 * Parse a Go duration string into seconds; undefined when it is not one.
 *
 * @example
 * ```ts
 * parseGoDuration('2m0.79s'); // 120.79
 * ```
 */
export function parseGoDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(h|ms|us|µs|ns|m|s))+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|us|µs|ns|m|s)/g))
    total += Number(m[1]) * (UNIT_SECONDS[m[2] ?? 's'] ?? 1);
  return Math.round(total * 1e6) / 1e6;
}
