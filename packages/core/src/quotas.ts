/**
 * Client-side API quotas (issue 22): one token bucket per AWS API operation (and per account-wide
 * API where AWS has one), shared by every client a process builds, so eks-kit never throttles
 * itself. A throttled answer caused by someone else's traffic still goes through the SDK's retries.
 *
 * Rates are AWS's documented defaults, each with its source and the date it was read. Where AWS
 * publishes no number (IAM, STS, Auto Scaling, most ECR and EKS reads), a conservative rate is used
 * and said so; it only bounds eks-kit's own bursts, which stay far below it for a stack.
 */
import type { ClientMiddleware, ServiceKey } from './clients.js';
import { EksKitError } from './errors.js';
import { type RateLimiterClock, realClock, settleChain } from './poll.js';

/** One token bucket: a sustained rate and the burst a full bucket absorbs. */
export interface BucketRate {
  /** Requests per second, sustained. */
  ratePerSecond: number;
  /** Requests a full bucket absorbs at once. */
  burst: number;
}

/** The quotas of one service: per operation, a default for the rest, and an optional API-wide bucket. */
export interface ServiceQuota {
  /** `region`: one bucket set per region; `account`: one per account (Route 53, IAM are global). */
  scope: 'region' | 'account';
  /** Rate of every operation not listed in `operations`. */
  defaultRate: BucketRate;
  /** Per operation (SDK operation name, e.g. `ListCertificates`). */
  operations: Readonly<Record<string, BucketRate>>;
  /** A bucket every operation of the service also takes from (Route 53's account-level bucket). */
  api?: BucketRate;
  /** Where the numbers come from. */
  source: string;
}

const rate = (ratePerSecond: number, burst = Math.max(1, Math.floor(ratePerSecond))): BucketRate => ({
  ratePerSecond,
  burst,
});

/**
 * Buckets refill a little slower than the documented rate: two calls the client spaced exactly one
 * token apart can arrive closer together (network and event-loop jitter), and AWS counts arrivals.
 * A bucket of one token (ListCertificates) has no burst to absorb that: 80%; the others 95%.
 */
const safety = (r: BucketRate): number => (r.burst <= 1 ? 0.8 : 0.95);

/** When no rate is published: conservative, well under what AWS serves in practice. */
const UNPUBLISHED = rate(10, 10);

/**
 * The documented request-rate quotas eks-kit stays under, per service. See
 * docs/AWS-FACTS.md#request-rate-quotas-eks-kit-stays-under.
 *
 * @example
 * ```ts
 * API_QUOTAS.acm.operations.ListCertificates; // { ratePerSecond: 1, burst: 1 }
 * ```
 */
export const API_QUOTAS: Readonly<Record<ServiceKey, ServiceQuota>> = {
  // ACM User Guide, "Quotas" -> "API rate quotas" (per account and region; read December 2026):
  // ListCertificates 1/s, DescribeCertificate 10/s, ListTagsForCertificate 10/s, RequestCertificate 5/s,
  // AddTagsToCertificate 5/s, RemoveTagsFromCertificate 5/s, DeleteCertificate 10/s, GetCertificate 10/s.
  // https://docs.aws.amazon.com/acm/latest/userguide/acm-limits.html
  acm: {
    scope: 'region',
    defaultRate: rate(1),
    operations: {
      ListCertificates: rate(1),
      DescribeCertificate: rate(10),
      ListTagsForCertificate: rate(10),
      RequestCertificate: rate(5),
      AddTagsToCertificate: rate(5),
      RemoveTagsFromCertificate: rate(5),
      DeleteCertificate: rate(10),
      GetCertificate: rate(10),
    },
    source: 'ACM User Guide, Quotas, API rate quotas (read 2026-12)',
  },
  // Route 53 Developer Guide, "Throttling for Amazon Route 53 API requests" (read December 2026):
  // token buckets per account, all operations combined 10/s with a bucket of 50, and each operation
  // 10/s with 50 unless listed (the older figure, 5/s per account, is what re:Post still quotes).
  // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/throttling-api-requests.html
  route53: {
    scope: 'account',
    defaultRate: rate(10, 50),
    operations: {},
    api: rate(10, 50),
    source: 'Route 53 Developer Guide, Throttling for Amazon Route 53 API requests (read 2026-12)',
  },
  // ECR User Guide, "Amazon ECR service quotas" (read December 2026) publishes rates only for the
  // image push/pull APIs (GetAuthorizationToken 200/s per region); the repository APIs eks-kit calls
  // have no published rate.
  // https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html
  ecr: {
    scope: 'region',
    defaultRate: UNPUBLISHED,
    operations: { GetAuthorizationToken: rate(200, 200) },
    source: 'ECR User Guide, Amazon ECR service quotas (read 2026-12); repository APIs unpublished',
  },
  // IAM and STS throttle with token buckets whose sizes AWS does not publish (AWS Security Blog,
  // "How to monitor and query IAM resources at scale - Part 2", read December 2026).
  iam: {
    scope: 'account',
    defaultRate: UNPUBLISHED,
    operations: {},
    source: 'unpublished (AWS Security Blog)',
  },
  sts: {
    scope: 'region',
    defaultRate: UNPUBLISHED,
    operations: {},
    source: 'unpublished (AWS Security Blog)',
  },
  // Amazon EC2 Auto Scaling: one shared bucket per account and region, size unpublished (AWS re:Post
  // knowledge center, "autoscaling-api-calls-throttled", read December 2026).
  autoScaling: {
    scope: 'region',
    defaultRate: UNPUBLISHED,
    operations: {},
    api: UNPUBLISHED,
    source: 'unpublished (AWS knowledge center, one shared bucket per account and region)',
  },
  eks: { scope: 'region', defaultRate: UNPUBLISHED, operations: {}, source: 'unpublished' },
  // EC2 API request throttling: describe calls have large per-API buckets (EC2 Developer Guide,
  // "Request throttling for the Amazon EC2 API", read December 2026).
  ec2: {
    scope: 'region',
    defaultRate: rate(20, 50),
    operations: {},
    source: 'EC2 Developer Guide (non-mutating >= 20/s)',
  },
  ssm: { scope: 'region', defaultRate: UNPUBLISHED, operations: {}, source: 'unpublished' },
  sns: { scope: 'region', defaultRate: UNPUBLISHED, operations: {}, source: 'unpublished' },
  // AWS Organizations publishes no request rate for its list operations (docs/AWS-FACTS.md,
  // "Checks over an AWS organisation": throttling answers TooManyRequestsException, which the SDK retries).
  organizations: {
    scope: 'region',
    defaultRate: UNPUBLISHED,
    operations: {},
    source: 'unpublished (Organizations endpoints and quotas)',
  },
  // Amazon S3 User Guide, "Best practices design patterns: optimizing Amazon S3 performance" (read
  // December 2026): at least 3,500 PUT/COPY/POST/DELETE and 5,500 GET/HEAD requests a second per
  // partitioned prefix. The checks Lambda's run bucket sees a handful of calls per invocation.
  s3: {
    scope: 'region',
    defaultRate: UNPUBLISHED,
    operations: { GetObject: rate(5500, 5500), PutObject: rate(3500, 3500), ListObjectsV2: rate(5500, 5500) },
    source: 'S3 User Guide, optimizing Amazon S3 performance (read 2026-12)',
  },
  // Step Functions throttles its API per account and region with token buckets (Step Functions
  // Developer Guide, "Step Functions service quotas", API action throttling); eks-kit reads one
  // ListExecutions page per `check --checker`.
  sfn: {
    scope: 'region',
    defaultRate: UNPUBLISHED,
    operations: {},
    source: 'Step Functions service quotas (token buckets per account and region; read 2026-12)',
  },
  // The Resource Groups Tagging API publishes no request rate for GetResources (its API reference
  // names ThrottledException only; read December 2026): the conservative default.
  tagging: {
    scope: 'region',
    defaultRate: UNPUBLISHED,
    operations: {},
    source: 'unpublished (Resource Groups Tagging API reference, ThrottledException)',
  },
};

/** Options of {@link createQuotas}. */
export interface QuotaOptions {
  /**
   * Quota time runs this many times faster than real time (default 1): against an emulator started
   * with `speed: N`, whose own quotas run in emulated time, pass the same N.
   */
  speed?: number;
  /** At most this many calls of one service in flight at once, per region (default 8). */
  concurrency?: number;
  /** Time source (default real time): tests inject a fake clock so waits are decided by arithmetic, not by how busy the machine is. */
  clock?: RateLimiterClock;
  /** Rates to use instead of {@link API_QUOTAS} (tests). */
  quotas?: Readonly<Partial<Record<ServiceKey, ServiceQuota>>>;
}

/** A set of buckets and in-flight limits; {@link processQuotas} is the one every client set shares. */
export interface Quotas {
  /**
   * Wait until `service:operation` in `region` may be sent (a token of its buckets and an in-flight
   * slot), then return the function that frees the slot. `principal` keys the buckets per caller:
   * AWS counts its quotas per account, so calls made with another account's credentials (an assumed
   * role) never wait for this account's tokens. `retry`: a retry of a call already sent goes before
   * the calls not sent yet (issue 21: a call finishes, or finds its endpoint unreachable, before
   * hundreds of queued calls are each tried once); it still takes a token, so the rate holds.
   */
  acquire(
    service: ServiceKey,
    region: string,
    operation: string,
    signal?: AbortSignal,
    principal?: string,
    options?: { retry?: boolean },
  ): Promise<() => void>;
  /** Calls that had to wait for a token, per `service:operation` (tests, `--verbose`). */
  waited(): Record<string, number>;
  /** Milliseconds spent waiting for tokens, per `service:operation` (bench). */
  waitedMs(): Record<string, number>;
}

interface Bucket {
  tokens: number;
  last: number;
  rate: BucketRate;
  chain: Promise<void>;
  /** Retries waiting outside the queue for a token: the queue's head leaves them one each. */
  retries: number;
}

/**
 * A set of token buckets, one per operation (and per account-wide API), plus an in-flight limit per
 * service. Waiting is first come, first served per bucket.
 *
 * @example
 * ```ts
 * const quotas = createQuotas({ speed: 1000 });
 * const release = await quotas.acquire('acm', 'eu-west-1', 'ListCertificates');
 * try { await send(); } finally { release(); }
 * ```
 */
export function createQuotas(options: QuotaOptions = {}): Quotas {
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new EksKitError('InvalidInput', 'quota speed must be positive');
  const concurrency = options.concurrency ?? 8;
  const table = { ...API_QUOTAS, ...options.quotas } as Record<ServiceKey, ServiceQuota>;
  const buckets = new Map<string, Bucket>();
  const waited: Record<string, number> = {};
  const waitedMs: Record<string, number> = {};
  const clock = options.clock ?? realClock;

  const bucket = (key: string, r: BucketRate): Bucket => {
    let b = buckets.get(key);
    if (!b) {
      b = { tokens: r.burst, last: clock.now(), rate: r, chain: Promise.resolve(), retries: 0 };
      buckets.set(key, b);
    }
    return b;
  };
  const take = (
    b: Bucket,
    onWait: (ms: number) => void,
    signal?: AbortSignal,
    retry = false,
  ): Promise<void> =>
    retry ? retryToken(b, speed, clock, onWait, signal) : takeToken(b, speed, clock, onWait, signal);
  const slot = inFlightSlots(concurrency);

  return {
    async acquire(service, region, operation, signal, principal = '', { retry = false } = {}) {
      const quota = table[service];
      const where = `${principal}@${quota.scope === 'account' ? 'global' : region}`;
      const onWait = (ms: number): void => {
        const k = `${service}:${operation}`;
        if (ms === 0) waited[k] = (waited[k] ?? 0) + 1;
        else waitedMs[k] = (waitedMs[k] ?? 0) + ms;
      };
      if (signal?.aborted) throw abortReason(signal);
      const release = await slot(`${service}@${where}`, signal, retry);
      try {
        if (quota.api) await take(bucket(`${service}@${where}`, quota.api), onWait, signal, retry);
        await take(
          bucket(`${service}@${where}:${operation}`, quota.operations[operation] ?? quota.defaultRate),
          onWait,
          signal,
          retry,
        );
      } catch (error) {
        release();
        throw error;
      }
      return release;
    },
    waited: () => ({ ...waited }),
    waitedMs: () => ({ ...waitedMs }),
  };
}

/** Takes one token from a bucket, waiting (in arrival order) until it has one. */
function takeToken(
  b: Bucket,
  speed: number,
  clock: RateLimiterClock,
  onWait: (ms: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const next = b.chain.then(() => {
    // A call given up while queued (its endpoint found unreachable) takes no token.
    if (signal?.aborted) throw abortReason(signal);
    return tokenWhenFree(b, speed, clock, onWait, signal, false);
  });
  settleChain(b, next);
  return signal ? untilAborted(next, signal) : next;
}

/** A retry's token: outside the queue, before its head (which leaves one token to each waiting retry). */
async function retryToken(
  b: Bucket,
  speed: number,
  clock: RateLimiterClock,
  onWait: (ms: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  b.retries++;
  try {
    await tokenWhenFree(b, speed, clock, onWait, signal, true);
  } finally {
    b.retries--;
  }
}

/**
 * Takes one token as soon as the bucket has one (the head of the queue: one more than the retries
 * waiting): the refill and the take are one synchronous step, so two takers never share a token.
 */
async function tokenWhenFree(
  b: Bucket,
  speed: number,
  clock: RateLimiterClock,
  onWait: (ms: number) => void,
  signal: AbortSignal | undefined,
  retry: boolean,
): Promise<void> {
  let counted = false;
  for (;;) {
    // A retry counts itself in b.retries: it needs one token, the head one more than the retries.
    const need = retry ? 1 : 1 + b.retries;
    const now = clock.now();
    b.tokens = Math.min(
      b.rate.burst,
      b.tokens + ((now - b.last) / 1000) * b.rate.ratePerSecond * speed * safety(b.rate),
    );
    b.last = now;
    if (b.tokens >= need) {
      b.tokens -= 1;
      return;
    }
    const ms = Math.max(
      1,
      Math.ceil(((need - b.tokens) / (b.rate.ratePerSecond * speed * safety(b.rate))) * 1000),
    );
    if (!counted) {
      counted = true;
      onWait(0);
    }
    onWait(ms);
    await clock.sleep(ms, signal);
  }
}

/** The reason a signal aborted with, as an error. */
function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new EksKitError('Aborted', 'the operation was aborted');
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts (the queue moves on without it). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * At most `concurrency` calls in flight per key; a slot's release function frees it once. A waiter
 * whose signal aborts leaves the queue (rejecting with the signal's reason) without taking a slot.
 */
function inFlightSlots(
  concurrency: number,
): (key: string, signal?: AbortSignal, first?: boolean) => Promise<() => void> {
  const slots = new Map<string, { used: number; waiting: Array<() => void> }>();
  return async (key, signal, first = false) => {
    let s = slots.get(key);
    if (!s) {
      s = { used: 0, waiting: [] };
      slots.set(key, s);
    }
    const state = s;
    if (state.used >= concurrency) await queueFor(state.waiting, signal, first);
    else state.used++;
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const next = state.waiting.shift();
      if (next) next();
      else state.used--;
    };
  };
}

/**
 * Wait in `waiting` (at its head when `first`: a retry) until a released slot is handed over; leave
 * the queue if `signal` aborts first.
 */
function queueFor(waiting: Array<() => void>, signal?: AbortSignal, first = false): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      const at = waiting.indexOf(handOver);
      if (at >= 0) waiting.splice(at, 1);
      reject(signal ? abortReason(signal) : new Error('aborted'));
    };
    const handOver = (): void => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    if (first) waiting.unshift(handOver);
    else waiting.push(handOver);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const shared = new Map<string, Quotas>();

/**
 * The quotas every client set of this process shares (one set per `speed`), so two commands run back
 * to back in one process, or two procedures run at once, take from the same buckets.
 *
 * @example
 * ```ts
 * processQuotas().waited(); // { 'acm:ListCertificates': 1 } after two quick ListCertificates
 * ```
 */
export function processQuotas(options: Pick<QuotaOptions, 'speed'> = {}): Quotas {
  const key = String(options.speed ?? 1);
  let quotas = shared.get(key);
  if (!quotas) {
    quotas = createQuotas({ speed: options.speed ?? 1 });
    shared.set(key, quotas);
  }
  return quotas;
}

/**
 * The quota buckets as a {@link ClientMiddleware}: every attempt (retries included, as AWS counts
 * them) waits for its operation's token and an in-flight slot of its service, keyed by the caller's
 * principal (AWS counts quotas per account: an assumed role's temporary key is another principal).
 * `createClients` adds it to every client through the same hook as a caller's middleware
 * ({@link ClientOptions.middleware}); add it to another set with `withClientMiddleware`.
 *
 * @example
 * ```ts
 * const limited = withClientMiddleware(clients, quotaMiddleware(createQuotas({ speed: 1000 })));
 * await (await limited.acm()).send(new ListCertificatesCommand({})); // waits for its token first
 * ```
 */
export function quotaMiddleware(quotas: Quotas): ClientMiddleware {
  // The commands (their middleware context, one per send) that made an attempt already.
  const attempted = new WeakSet<object>();
  return {
    name: 'eksKitQuotas',
    step: 'deserialize',
    priority: 'low',
    handler:
      ({ service, region, principal }) =>
      (next, context) =>
      async (args) => {
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        // The credentials provider answers its cached identity here.
        const who = await principal?.().catch(() => undefined);
        // Stop waiting once the call's endpoint is found unreachable (unreachable.ts): not sent.
        // A retry (this command's context seen before) goes before the calls not sent yet.
        const retry = attempted.has(context);
        attempted.add(context);
        const release = await quotas.acquire(service, region, operation, context.endpointDown, who, {
          retry,
        });
        try {
          return await next(args);
        } finally {
          release();
        }
      },
  };
}

interface MiddlewareClient {
  config?: { credentials?: () => Promise<{ accessKeyId?: string }> };
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string; endpointDown?: AbortSignal },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize' | 'deserialize'; name: string; priority?: 'high' | 'low' },
    ): void;
  };
}

/**
 * Add the quota middleware ({@link quotaMiddleware}) to one SDK v3 client made outside a client set.
 *
 * @deprecated Client sets add it themselves; for another set use
 * `withClientMiddleware(clients, quotaMiddleware(quotas))`, the one hook for client behaviour.
 * @example
 * ```ts
 * addQuotaMiddleware(new ACMClient({ region: 'eu-west-1' }), 'acm', 'eu-west-1', processQuotas());
 * ```
 */
export function addQuotaMiddleware(
  client: MiddlewareClient,
  service: ServiceKey,
  region: string,
  quotas: Quotas,
): void {
  const m = quotaMiddleware(quotas);
  const credentials = client.config?.credentials;
  client.middlewareStack.add(
    m.handler({
      service,
      signingName: service,
      region,
      ...(credentials ? { principal: async () => (await credentials()).accessKeyId } : {}),
    }) as unknown as Parameters<MiddlewareClient['middlewareStack']['add']>[0],
    { step: 'deserialize', name: m.name, priority: 'low' },
  );
}
