/**
 * Per-operation request-rate quotas in emulated time (token buckets).
 */
import type { Clock } from './clock.js';

/** Token buckets keyed by a name, refilled in emulated time. */
export interface RateQuotas {
  /** Takes one token from the bucket `key`; false when the rate is exceeded. */
  take(key: string, ratePerSecond: number, burst?: number): boolean;
  /** Forgets every bucket. */
  clear(): void;
}

/**
 * Creates the buckets over an emulated clock.
 * @example const q = createRateQuotas(clock); q.take('acm:ListCertificates', 1) // true, then false within the same emulated second
 */
export function createRateQuotas(clock: Clock): RateQuotas {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, ratePerSecond, burst = Math.max(1, ratePerSecond)) {
      const now = clock.now();
      const bucket = buckets.get(key) ?? { tokens: burst, at: now };
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
      bucket.at = now;
      buckets.set(key, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    clear: () => buckets.clear(),
  };
}
