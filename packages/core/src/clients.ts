/**
 * AWS SDK v3 clients made lazily, sharing one credential chain, region, endpoint, retry policy,
 * user agent and a call counter.
 */
import type { ACMClient } from '@aws-sdk/client-acm';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { InvalidInputError } from './errors.js';
import { addQuotaMiddleware, processQuotas } from './quotas.js';
import { validateRegion } from './validators.js';
import { VERSION } from './version.js';

/** Options of {@link createClients}. */
export interface ClientOptions {
  /** Region; else AWS_REGION, AWS_DEFAULT_REGION, then the profile's `region` (as the aws CLI). */
  region?: string;
  /** Named profile of ~/.aws/config and ~/.aws/credentials; else AWS_PROFILE, else the default chain. */
  profile?: string;
  /** One endpoint for every service (e.g. the emulator); else the SDK's AWS_ENDPOINT_URL(_<SERVICE>). */
  endpoint?: string;
  /** Attempts per call including the first (default 6). */
  maxAttempts?: number;
  /** SDK retry mode (default `adaptive`: client-side rate limiting when throttled). */
  retryMode?: 'standard' | 'adaptive';
  /** Explicit credentials or provider (tests, assumed roles); else the default chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Environment to read (default `process.env`); tests pass their own. */
  env?: Record<string, string | undefined>;
  /**
   * Client-side API quotas (issue 22, `quotas.ts`): on by default, shared by every client set of the
   * process. `speed` makes quota time run N times faster (against an emulator started with
   * `speed: N`; else EKS_KIT_QUOTA_SPEED); `false` turns them off.
   */
  quotas?: false | { speed?: number };
}

/** Service keys of {@link AwsClients}, also the `service` of counted calls. */
export type ServiceKey =
  | 'iam'
  | 'autoScaling'
  | 'acm'
  | 'route53'
  | 'ecr'
  | 'sts'
  | 'eks'
  | 'ec2'
  | 'ssm'
  | 'sns';

/** Calls made through one client set, per service and operation. */
export interface CallCount {
  service: ServiceKey;
  operation: string;
  /** Commands sent. */
  calls: number;
  /** HTTP attempts, retries included. */
  attempts: number;
  /** Commands that failed after retries. */
  errors: number;
}

/** Counts calls per service and operation; read by `--verbose`, tests and benchmarks. */
export interface CallCounter {
  /** Counts sorted by service then operation. */
  snapshot(): CallCount[];
  /** Total commands sent (and attempts). */
  total(): { calls: number; attempts: number; errors: number };
  reset(): void;
}

/** Lazily created SDK clients. Each getter imports and builds its client on first use. */
export interface AwsClients {
  /** The resolved region. */
  readonly region: string;
  readonly counter: CallCounter;
  readonly options: Readonly<ClientOptions>;
  iam(): Promise<IAMClient>;
  autoScaling(): Promise<AutoScalingClient>;
  /** ACM in the given region (default: the client set's region); CloudFront certificates live in us-east-1. */
  acm(region?: string): Promise<ACMClient>;
  route53(): Promise<Route53Client>;
  ecr(region?: string): Promise<ECRClient>;
  sts(): Promise<STSClient>;
  eks(): Promise<EKSClient>;
  ec2(): Promise<EC2Client>;
  ssm(): Promise<SSMClient>;
  sns(): Promise<SNSClient>;
  /** The same settings in another region, sharing credentials and the counter. */
  withRegion(region: string): AwsClients;
  /**
   * The same settings with other credentials (an assumed role), sharing the counter and whatever
   * instrumentation a wrapper adds. Optional: a client set without it is rebuilt with createClients.
   */
  withCredentials?(credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider): AwsClients;
  /** Destroy every client made so far (closes sockets). */
  destroy(): void;
}

/** Make a call counter (exported for tests and for sharing one across client sets). */
export function createCallCounter(): CallCounter & {
  record(service: ServiceKey, operation: string, kind: 'call' | 'attempt' | 'error'): void;
} {
  const counts = new Map<string, CallCount>();
  const get = (service: ServiceKey, operation: string): CallCount => {
    const key = `${service}\u0000${operation}`;
    let entry = counts.get(key);
    if (!entry) {
      entry = { service, operation, calls: 0, attempts: 0, errors: 0 };
      counts.set(key, entry);
    }
    return entry;
  };
  return {
    record(service, operation, kind) {
      const entry = get(service, operation);
      if (kind === 'call') entry.calls++;
      else if (kind === 'attempt') entry.attempts++;
      else entry.errors++;
    },
    snapshot() {
      return [...counts.values()]
        .map((c) => ({ ...c }))
        .sort((a, b) => a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation));
    },
    total() {
      let calls = 0;
      let attempts = 0;
      let errors = 0;
      for (const c of counts.values()) {
        calls += c.calls;
        attempts += c.attempts;
        errors += c.errors;
      }
      return { calls, attempts, errors };
    },
    reset() {
      counts.clear();
    },
  };
}

/**
 * Resolve the region as the aws CLI does: option, AWS_REGION, AWS_DEFAULT_REGION, then the profile.
 *
 * @example
 * ```ts
 * await resolveRegion({ profile: 'prod' }); // 'eu-west-1' from ~/.aws/config [profile prod]
 * ```
 */
export async function resolveRegion(
  options: Pick<ClientOptions, 'region' | 'profile' | 'env'> = {},
): Promise<string> {
  const env = options.env ?? process.env;
  const direct = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (direct) return validateRegion(direct, 'region');
  const profileName = options.profile ?? env.AWS_PROFILE ?? 'default';
  try {
    const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
    const files = await loadSharedConfigFiles({
      ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
      ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
    });
    const region = files.configFile?.[profileName]?.region ?? files.credentialsFile?.[profileName]?.region;
    if (region) return validateRegion(region, `region (profile ${profileName})`);
  } catch {
    // no shared config files: fall through to the error below
  }
  throw new InvalidInputError(
    'region',
    undefined,
    'a region from --region, AWS_REGION, AWS_DEFAULT_REGION or the profile',
    {
      hint: 'pass --region eu-west-1 or set AWS_REGION',
    },
  );
}

interface ClientLike {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize' | 'deserialize'; name: string; priority?: 'high' | 'low' },
    ): void;
  };
  destroy(): void;
}

function instrument(
  client: ClientLike,
  service: ServiceKey,
  counter: ReturnType<typeof createCallCounter>,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      counter.record(service, operation, 'call');
      try {
        return await next(args);
      } catch (error) {
        counter.record(service, operation, 'error');
        throw error;
      }
    },
    { step: 'initialize', name: 'eksKitCallCounter', priority: 'high' },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counter.record(service, (context.commandName ?? 'Unknown').replace(/Command$/, ''), 'attempt');
      return next(args);
    },
    { step: 'deserialize', name: 'eksKitAttemptCounter', priority: 'low' },
  );
}

/**
 * Create lazily built SDK v3 clients with one credential chain and a call counter.
 *
 * @example
 * ```ts
 * const clients = await createClients({ region: 'ap-northeast-1', profile: 'prod' });
 * const iam = await clients.iam();
 * await iam.send(new GetRoleCommand({ RoleName: 'cluster-autoscaler' }));
 * console.log(clients.counter.snapshot()); // [{ service: 'iam', operation: 'GetRole', calls: 1, ... }]
 * ```
 */
export async function createClients(options: ClientOptions = {}): Promise<AwsClients> {
  const region = await resolveRegion(options);
  if (
    options.maxAttempts !== undefined &&
    (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1 || options.maxAttempts > 20)
  ) {
    throw new InvalidInputError('maxAttempts', options.maxAttempts, 'a whole number from 1 to 20');
  }
  if (options.endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(options.endpoint)) {
    throw new InvalidInputError('endpoint', options.endpoint, 'a URL such as http://127.0.0.1:4566');
  }
  return buildClientSet(region, options, createCallCounter(), undefined);
}

function buildClientSet(
  region: string,
  options: ClientOptions,
  counter: ReturnType<typeof createCallCounter>,
  sharedCredentials: { value?: AwsCredentialIdentity | AwsCredentialIdentityProvider } | undefined,
): AwsClients {
  const made = new Map<string, Promise<ClientLike>>();
  const creds = sharedCredentials ?? {};
  const envSpeed = Number((options.env ?? process.env).EKS_KIT_QUOTA_SPEED ?? 1);
  const quotaSpeed = (options.quotas ? options.quotas.speed : undefined) ?? (envSpeed > 0 ? envSpeed : 1);
  const credentials = async (): Promise<AwsCredentialIdentity | AwsCredentialIdentityProvider> => {
    if (options.credentials) return options.credentials;
    if (!creds.value) {
      const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
      const profile = options.profile;
      // IMDS last, with one short try: no stall off EC2.
      creds.value = fromNodeProviderChain({ ...(profile ? { profile } : {}), timeout: 1000, maxRetries: 0 });
    }
    return creds.value;
  };
  const config = async (clientRegion: string): Promise<Record<string, unknown>> => ({
    region: clientRegion,
    credentials: await credentials(),
    maxAttempts: options.maxAttempts ?? 6,
    retryMode: options.retryMode ?? 'adaptive',
    customUserAgent: `eks-kit/${VERSION}`,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  });
  const lazy = <T>(
    service: ServiceKey,
    clientRegion: string,
    load: (cfg: Record<string, unknown>) => Promise<T>,
  ): Promise<T> => {
    const key = `${service}@${clientRegion}`;
    let client = made.get(key);
    if (!client) {
      client = (async () => {
        const c = (await load(await config(clientRegion))) as unknown as ClientLike;
        instrument(c, service, counter);
        // Hook (issue 22): the process-wide quota buckets, until clients.ts has a middleware list.
        if (options.quotas !== false)
          addQuotaMiddleware(c, service, clientRegion, processQuotas({ speed: quotaSpeed }));
        return c;
      })();
      made.set(key, client);
      client.catch(() => made.delete(key));
    }
    return client as unknown as Promise<T>;
  };
  const set: AwsClients = {
    region,
    counter,
    options,
    iam: () => lazy('iam', region, async (c) => new (await import('@aws-sdk/client-iam')).IAMClient(c)),
    autoScaling: () =>
      lazy(
        'autoScaling',
        region,
        async (c) => new (await import('@aws-sdk/client-auto-scaling')).AutoScalingClient(c),
      ),
    acm: (r = region) =>
      lazy(
        'acm',
        validateRegion(r, 'region'),
        async (c) => new (await import('@aws-sdk/client-acm')).ACMClient(c),
      ),
    route53: () =>
      lazy('route53', region, async (c) => new (await import('@aws-sdk/client-route-53')).Route53Client(c)),
    ecr: (r = region) =>
      lazy(
        'ecr',
        validateRegion(r, 'region'),
        async (c) => new (await import('@aws-sdk/client-ecr')).ECRClient(c),
      ),
    sts: () => lazy('sts', region, async (c) => new (await import('@aws-sdk/client-sts')).STSClient(c)),
    eks: () => lazy('eks', region, async (c) => new (await import('@aws-sdk/client-eks')).EKSClient(c)),
    ec2: () => lazy('ec2', region, async (c) => new (await import('@aws-sdk/client-ec2')).EC2Client(c)),
    ssm: () => lazy('ssm', region, async (c) => new (await import('@aws-sdk/client-ssm')).SSMClient(c)),
    sns: () => lazy('sns', region, async (c) => new (await import('@aws-sdk/client-sns')).SNSClient(c)),
    withRegion: (r: string) => buildClientSet(validateRegion(r, 'region'), options, counter, creds),
    withCredentials: (credentials) => {
      const { profile: _profile, ...rest } = options;
      return buildClientSet(region, { ...rest, credentials }, counter, undefined);
    },
    destroy: () => {
      for (const client of made.values()) client.then((c) => c.destroy()).catch(() => undefined);
      made.clear();
    },
  };
  return set;
}
