/**
 * Waiting done right: a deadline, exponential backoff with jitter and a cap, AbortSignal support and
 * progress events. eks-kit uses it where the SDK's waiters poll too slowly or too coarsely
 * (ACM's CertificateValidated waiter polls 60-120 s apart, docs/AWS-FACTS.md#acm-sdk-waiter).
 */
import { EksKitError } from './errors.js';

/** What one poll attempt found. */
export type PollOutcome<T> = { done: true; value: T } | { done: false; status?: string };

/** Options of {@link poll}. */
export interface PollOptions {
  /** Give up after this many milliseconds (default 10 minutes). */
  timeoutMs?: number;
  /** Delay before the second attempt (default 1,000 ms); the first attempt is immediate. */
  initialDelayMs?: number;
  /** Cap of the delay between attempts (default 15,000 ms). */
  maxDelayMs?: number;
  /** Growth factor of the delay (default 1.5). */
  factor?: number;
  /** Fraction of each delay drawn at random, 0-1 (default 0.2): spreads concurrent pollers. */
  jitter?: number;
  signal?: AbortSignal;
  /** Called before each wait with the attempt number, last status and the delay chosen. */
  onAttempt?: (info: {
    attempt: number;
    status: string | undefined;
    delayMs: number;
    elapsedMs: number;
  }) => void;
  /** What is being waited for, for the timeout message (e.g. `certificate arn:... to be ISSUED`). */
  description?: string;
  /** Source of randomness for jitter (tests pass a fixed one). */
  random?: () => number;
  /**
   * The delay before attempt `attempt + 1`, given the time since the first attempt started; replaces
   * the exponential backoff (`initialDelayMs`, `factor`, ...) when given. Still cut at the deadline.
   */
  nextDelayMs?: (info: { attempt: number; elapsedMs: number }) => number;
  /** Time source of the deadline and the delays (default real time, {@link realClock}): tests pass a fake one. */
  clock?: RateLimiterClock;
}

/**
 * Sleep for `ms` milliseconds, rejecting early with an `AbortError` if the signal aborts.
 *
 * @example
 * ```ts
 * await sleep(500, AbortSignal.timeout(10_000));
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason = signal?.reason;
  if (reason instanceof Error) return reason;
  return new EksKitError('Aborted', 'the operation was aborted');
}

/**
 * The delay before attempt `attempt + 1`: `initial * factor^(attempt-1)`, capped, with jitter.
 *
 * @example
 * ```ts
 * backoffDelay(1, { initialDelayMs: 1000, maxDelayMs: 15000, factor: 2, jitter: 0 }); // 1000
 * backoffDelay(5, { initialDelayMs: 1000, maxDelayMs: 15000, factor: 2, jitter: 0 }); // 15000 (16000 capped)
 * ```
 */
export function backoffDelay(
  attempt: number,
  options: Pick<PollOptions, 'initialDelayMs' | 'maxDelayMs' | 'factor' | 'jitter' | 'random'> = {},
): number {
  const initial = options.initialDelayMs ?? 1_000;
  const cap = options.maxDelayMs ?? 15_000;
  const factor = options.factor ?? 1.5;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
  const random = options.random ?? Math.random;
  const base = Math.min(cap, initial * factor ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - jitter + jitter * random()));
}

/**
 * Call `check` until it reports done, backing off between attempts, within a deadline.
 * A `check` that throws ends the wait at once with that error (fail fast on terminal states).
 *
 * @example
 * ```ts
 * const cert = await poll(async () => {
 *   const { Certificate } = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
 *   return Certificate?.Status === 'ISSUED' ? { done: true, value: Certificate } : { done: false, status: Certificate?.Status };
 * }, { timeoutMs: 300_000, initialDelayMs: 2_000, maxDelayMs: 20_000, description: `certificate ${arn} to be issued` });
 * ```
 */
export async function poll<T>(
  check: (attempt: number) => Promise<PollOutcome<T>>,
  options: PollOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  const clock = options.clock ?? realClock;
  const started = clock.now();
  const deadline = started + timeoutMs;
  let attempt = 0;
  let status: string | undefined;
  for (;;) {
    if (options.signal?.aborted) throw abortError(options.signal);
    attempt++;
    const outcome = await check(attempt);
    if (outcome.done) return outcome.value;
    status = outcome.status;
    const now = clock.now();
    if (now >= deadline) break;
    const wanted = options.nextDelayMs
      ? options.nextDelayMs({ attempt, elapsedMs: now - started })
      : backoffDelay(attempt, options);
    const delayMs = Math.min(wanted, Math.max(0, deadline - now));
    options.onAttempt?.({ attempt, status, delayMs, elapsedMs: now - started });
    await clock.sleep(delayMs, options.signal);
  }
  const what = options.description ?? 'the condition';
  throw new EksKitError(
    'Timeout',
    `timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${status ? ` (last status: ${status})` : ''}`,
    { hint: 'run the command again to keep waiting, or raise the timeout' },
  );
}

/** Time source of {@link createRateLimiter}: real time by default; tests pass a fake one. */
export interface RateLimiterClock {
  /** Milliseconds since some fixed point (default `Date.now`). */
  now(): number;
  /** Wait `ms` milliseconds, rejecting if the signal aborts (default {@link sleep}). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Average acquisitions per second (must be positive). */
  ratePerSecond: number;
  /** Acquisitions let through at once after an idle period (default: `ratePerSecond` rounded up). */
  burst?: number;
  /** Time source (default real time): tests inject a fake clock to check the spacing exactly. */
  clock?: RateLimiterClock;
}

/** Real time: `Date.now` and {@link sleep} (the default clock of the rate limiter and the quota buckets). */
export const realClock: RateLimiterClock = { now: () => Date.now(), sleep };

/** A promise made when the module loads: it carries no caller's async context. */
const SETTLED: Promise<void> = Promise.resolve();

/**
 * Queue behind `next`, and once nothing newer is queued, let the holder keep {@link SETTLED} instead of
 * the last promise: a promise keeps the async context it was made in (an `AsyncLocalStorage` store,
 * such as a run's shared reads with every response it memoised), and buckets live as long as the
 * process, one per principal. Keeping each bucket's last promise kept the memo of the last run of
 * every assumed role alive: 330 MiB over 1,000 accounts (issue 21).
 *
 * @example
 * ```ts
 * const bucket = { chain: Promise.resolve() };
 * const next = bucket.chain.then(() => takeToken());
 * settleChain(bucket, next); // bucket.chain: next's tail, then a context-free promise once it settles
 * ```
 */
export function settleChain(holder: { chain: Promise<void> }, next: Promise<void>): void {
  const tail = next.catch(() => undefined);
  holder.chain = tail;
  void tail.then(() => {
    if (holder.chain === tail) holder.chain = SETTLED;
  });
}

/**
 * A client-side token bucket: at most `ratePerSecond` acquisitions per second on average, bursts of
 * `burst`. Used to stay under quotas such as ACM's DescribeCertificate 10/s and ListCertificates 1/s.
 *
 * @example
 * ```ts
 * const limiter = createRateLimiter({ ratePerSecond: 10, burst: 10 });
 * await Promise.all(arns.map(async (arn) => { await limiter.acquire(); return describe(arn); }));
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions): {
  acquire(signal?: AbortSignal): Promise<void>;
} {
  const rate = options.ratePerSecond;
  if (!(rate > 0)) throw new EksKitError('InvalidInput', 'ratePerSecond must be positive');
  const clock = options.clock ?? realClock;
  const burst = Math.max(1, options.burst ?? Math.ceil(rate));
  let tokens = burst;
  let last = clock.now();
  let chain: Promise<void> = SETTLED;
  const take = async (signal?: AbortSignal): Promise<void> => {
    for (;;) {
      const now = clock.now();
      tokens = Math.min(burst, tokens + ((now - last) / 1000) * rate);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await clock.sleep(Math.ceil(((1 - tokens) / rate) * 1000), signal);
    }
  };
  // The queue's last promise is dropped once settled (settleChain): it would keep its
  // caller's async context alive as long as the limiter.
  const holder = {
    get chain() {
      return chain;
    },
    set chain(value: Promise<void>) {
      chain = value;
    },
  };
  return {
    acquire(signal?: AbortSignal): Promise<void> {
      const next = chain.then(() => take(signal));
      settleChain(holder, next);
      return next;
    },
  };
}

/**
 * Map over items with at most `concurrency` calls in flight, keeping the input order in the result.
 *
 * @example
 * ```ts
 * const certs = await mapConcurrent(arns, 8, (arn) => describe(arn));
 * ```
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}
