/**
 * AWS SDK v3 clients made lazily, sharing one credential chain, region, endpoint, retry policy,
 * user agent and a call counter.
 */

import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { ACMClient } from '@aws-sdk/client-acm';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { EksKitError, InvalidInputError } from './errors.js';
import { processQuotas, type Quotas, quotaMiddleware } from './quotas.js';
import { compareCodeUnits } from './sorted-json.js';
import { createEndpointBreaker, type EndpointBreaker, unreachableMiddleware } from './unreachable.js';
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
   * Middleware added to every client this set (and its `withRegion`/`withCredentials` sets) makes,
   * after the call counter. See {@link ClientMiddleware}.
   */
  middleware?: readonly ClientMiddleware[];
  /**
   * Client-side API quotas (issue 22, `quotas.ts`): on by default, shared by every client set of the
   * process. `speed` makes quota time run N times faster (against an emulator started with
   * `speed: N`; else EKS_KIT_QUOTA_SPEED); `use` takes from another bucket set instead of the
   * process's (tests with an injected clock); `false` turns them off. They are added through the
   * same hook as {@link ClientOptions.middleware} ({@link quotaMiddleware}), after it.
   */
  quotas?: false | { speed?: number; use?: Quotas };
  /**
   * One pool of keep-alive sockets for every client of this set and of the sets made from it
   * (`withRegion`, `withCredentials`, assumed roles): see {@link createSharedConnections}. Without it
   * each SDK client opens its own sockets, so a run over 1,000 accounts opened (and closed) about
   * 6,000 connections. `destroy()` of a client set leaves the pool open: its owner closes it.
   */
  connections?: SharedConnections;
}

/** A socket pool shared by many client sets ({@link ClientOptions.connections}). */
export interface SharedConnections {
  /** The SDK's `requestHandler` options: the two agents. */
  readonly agents: { httpAgent: HttpAgent; httpsAgent: HttpsAgent };
  /** Close every socket (the pool's owner, once the client sets are done). */
  close(): void;
}

/**
 * A keep-alive socket pool to share between client sets (`maxSockets` per host, default 256: the SDK's own
 * is 50 per client, and one pool serves many clients at once). The agents ignore `destroy()` (each SDK client destroys its handler's agents when the
 * client set is destroyed, which would cut the requests other sets have in flight); `close()` does.
 *
 * @example
 * ```ts
 * const connections = createSharedConnections();
 * const base = await createClients({ region: 'eu-west-1', connections });
 * // ... many assumed-role sets made from base reuse the same sockets ...
 * base.destroy();
 * connections.close();
 * ```
 */
export function createSharedConnections(options: { maxSockets?: number } = {}): SharedConnections {
  const settings = { keepAlive: true, maxSockets: options.maxSockets ?? 256 };
  const httpAgent = keptOpen(new HttpAgent(settings));
  const httpsAgent = keptOpen(new HttpsAgent(settings));
  return {
    agents: { httpAgent: httpAgent.agent, httpsAgent: httpsAgent.agent },
    close() {
      httpAgent.close();
      httpsAgent.close();
    },
  };
}

/** An agent whose `destroy()` (called by each SDK client it serves) does nothing; `close` destroys it. */
function keptOpen<A extends HttpAgent>(agent: A): { agent: A; close: () => void } {
  const destroy = agent.destroy.bind(agent);
  agent.destroy = () => undefined;
  return { agent, close: () => void destroy() };
}

/** What {@link AWS_SERVICES} knows of one AWS service. */
export interface ServiceSpec {
  /** The SDK v3 package of its client: an optional peer dependency of core (install it where it is used). */
  readonly packageName: string;
  /** The client class that package exports. */
  readonly clientClass: string;
  /** SigV4 signing name, as AWS (and the emulator's call log) names the service. */
  readonly signingName: string;
  /** The SDK's service-specific endpoint variable (`AWS_ENDPOINT_URL_` + the service id, spaces as `_`). */
  readonly endpointEnv: string;
  /** True when the getter takes a region (the service is called in more than the set's region). */
  readonly takesRegion: boolean;
  /** Load the client class (a dynamic import: a package that never calls the service never loads it). */
  readonly load: () => Promise<new (config: Record<string, unknown>) => unknown>;
}

/**
 * The one table of the AWS services eks-kit calls: it builds the lazy getters of {@link AwsClients},
 * names the services of the call counter and is what wrappers ({@link withClientMiddleware}, the
 * reliability tests' crash wrapper) iterate. Each client package is an optional peer dependency of
 * core: a package lists as its own dependency the clients it calls, so `@eks-kit/helm-values` (no AWS
 * call) installs none. Endpoint variables: "Service-specific endpoints", AWS SDKs and Tools Reference
 * Guide (docs/AWS-FACTS.md, checked 2026-12-06).
 *
 * The `load` functions keep the shape `(await import("<package>")).<Class>`: the bundles' esbuild
 * plugins (tools/esbuild-plugins: `staticCoreImports`, `lazyCoreImports`) rewrite exactly that shape.
 *
 * @example
 * ```ts
 * AWS_SERVICES.autoScaling.signingName; // 'autoscaling'
 * Object.keys(AWS_SERVICES); // ['iam', 'autoScaling', 'acm', ...]
 * ```
 */
export const AWS_SERVICES = {
  iam: {
    packageName: '@aws-sdk/client-iam',
    clientClass: 'IAMClient',
    signingName: 'iam',
    endpointEnv: 'AWS_ENDPOINT_URL_IAM',
    takesRegion: false,
    load: async () => (await import('@aws-sdk/client-iam')).IAMClient,
  },
  autoScaling: {
    packageName: '@aws-sdk/client-auto-scaling',
    clientClass: 'AutoScalingClient',
    signingName: 'autoscaling',
    endpointEnv: 'AWS_ENDPOINT_URL_AUTO_SCALING',
    takesRegion: false,
    load: async () => (await import('@aws-sdk/client-auto-scaling')).AutoScalingClient,
  },
  acm: {
    packageName: '@aws-sdk/client-acm',
    clientClass: 'ACMClient',
    signingName: 'acm',
    endpointEnv: 'AWS_ENDPOINT_URL_ACM',
    takesRegion: true,
    load: async () => (await import('@aws-sdk/client-acm')).ACMClient,
  },
  route53: {
    packageName: '@aws-sdk/client-route-53',
    clientClass: 'Route53Client',
    signingName: 'route53',
    endpointEnv: 'AWS_ENDPOINT_URL_ROUTE_53',
    takesRegion: false,
    load: async () => (await import('@aws-sdk/client-route-53')).Route53Client,
  },
  ecr: {
    packageName: '@aws-sdk/client-ecr',
    clientClass: 'ECRClient',
    signingName: 'ecr',
    endpointEnv: 'AWS_ENDPOINT_URL_ECR',
    takesRegion: true,
    load: async () => (await import('@aws-sdk/client-ecr')).ECRClient,
  },
  sts: {
    packageName: '@aws-sdk/client-sts',
    clientClass: 'STSClient',
    signingName: 'sts',
    endpointEnv: 'AWS_ENDPOINT_URL_STS',
    takesRegion: false,
    load: async () => (await import('@aws-sdk/client-sts')).STSClient,
  },
  eks: {
    packageName: '@aws-sdk/client-eks',
    clientClass: 'EKSClient',
    signingName: 'eks',
    endpointEnv: 'AWS_ENDPOINT_URL_EKS',
    takesRegion: false,
    load: async () => (await import('@aws-sdk/client-eks')).EKSClient,
  },
  ec2: {
    packageName: '@aws-sdk/client-ec2',
    clientClass: 'EC2Client',
    signingName: 'ec2',
    endpointEnv: 'AWS_ENDPOINT_URL_EC2',
    takesRegion: false,
    load: async () => (await import('@aws-sdk/client-ec2')).EC2Client,
  },
  ssm: {
    packageName: '@aws-sdk/client-ssm',
    clientClass: 'SSMClient',
    signingName: 'ssm',
    endpointEnv: 'AWS_ENDPOINT_URL_SSM',
    takesRegion: false,
    load: async () => (await import('@aws-sdk/client-ssm')).SSMClient,
  },
  sns: {
    packageName: '@aws-sdk/client-sns',
    clientClass: 'SNSClient',
    signingName: 'sns',
    endpointEnv: 'AWS_ENDPOINT_URL_SNS',
    takesRegion: false,
    load: async () => (await import('@aws-sdk/client-sns')).SNSClient,
  },
  organizations: {
    packageName: '@aws-sdk/client-organizations',
    clientClass: 'OrganizationsClient',
    signingName: 'organizations',
    endpointEnv: 'AWS_ENDPOINT_URL_ORGANIZATIONS',
    takesRegion: false,
    load: async () => (await import('@aws-sdk/client-organizations')).OrganizationsClient,
  },
  s3: {
    packageName: '@aws-sdk/client-s3',
    clientClass: 'S3Client',
    signingName: 's3',
    endpointEnv: 'AWS_ENDPOINT_URL_S3',
    takesRegion: false,
    load: async () => (await import('@aws-sdk/client-s3')).S3Client,
  },
  sfn: {
    packageName: '@aws-sdk/client-sfn',
    clientClass: 'SFNClient',
    signingName: 'states',
    endpointEnv: 'AWS_ENDPOINT_URL_SFN',
    takesRegion: false,
    load: async () => (await import('@aws-sdk/client-sfn')).SFNClient,
  },
  tagging: {
    packageName: '@aws-sdk/client-resource-groups-tagging-api',
    clientClass: 'ResourceGroupsTaggingAPIClient',
    signingName: 'tagging',
    endpointEnv: 'AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API',
    takesRegion: true,
    load: async () =>
      (await import('@aws-sdk/client-resource-groups-tagging-api')).ResourceGroupsTaggingAPIClient,
  },
} as const satisfies Record<string, ServiceSpec>;

/** Service keys of {@link AwsClients} (the keys of {@link AWS_SERVICES}), also the `service` of counted calls. */
export type ServiceKey = keyof typeof AWS_SERVICES;

/** The service keys in table order. */
export const SERVICE_KEYS = Object.keys(AWS_SERVICES) as ServiceKey[];

/** The service a middleware is added to (see {@link ClientMiddleware}). */
export interface ClientServiceInfo {
  service: ServiceKey;
  /** SigV4 signing name ({@link ServiceSpec.signingName}). */
  signingName: string;
  /** The client's region. */
  region: string;
  /**
   * The access key id of the client's credentials, resolved on each call (the provider answers its
   * cached identity): who AWS counts a call against (the quota middleware keys its buckets by it).
   */
  principal?: () => Promise<string | undefined>;
}

/** The handler a {@link ClientMiddleware} wraps around the next step of an SDK client's middleware stack. */
export type ClientMiddlewareHandler = (
  next: (args: { input: unknown }) => Promise<{ output: unknown; response?: unknown }>,
  context: {
    commandName?: string;
    /**
     * Aborts, its reason an `UnreachableEndpointError`, once the call's endpoint is found unreachable
     * (set before the retries by the fail-fast middleware, `unreachable.ts`): a middleware that waits
     * (the quota buckets) stops waiting, so the call is not sent.
     */
    endpointDown?: AbortSignal;
  },
) => (args: { input: unknown }) => Promise<{ output: unknown; response?: unknown }>;

/**
 * Middleware added to every SDK client a client set makes (the hook for per-client behaviour: shared
 * reads, quota token buckets, the reliability tests' crash wrapper). Give it in
 * {@link ClientOptions.middleware} or add it to an existing set with {@link withClientMiddleware}.
 */
export interface ClientMiddleware {
  /** Name on each client's middleware stack (unique per client). */
  name: string;
  /** SDK middleware step (default `initialize`: once per command, before retries). */
  step?: 'initialize' | 'serialize' | 'build' | 'finalizeRequest' | 'deserialize';
  /** Priority within the step (default `normal`). */
  priority?: 'high' | 'normal' | 'low';
  /** Make this middleware's handler for one client. */
  handler(service: ClientServiceInfo): ClientMiddlewareHandler;
}

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
  /**
   * AWS Organizations (a global service: its one endpoint is in us-east-1). Optional so that wrappers
   * written before it (shared reads, the reliability suite's crash clients) still type-check; sets
   * from {@link createClients} always have it. The checks Lambda lists its targets with it.
   */
  organizations?(): Promise<OrganizationsClient>;
  /**
   * Amazon S3 (optional, as `organizations`): the checks Lambda's run bucket (a split run's batches
   * and results, its state between runs).
   */
  s3?(): Promise<S3Client>;
  /** AWS Step Functions (optional, as `organizations`): `eks-kit check --checker` reads the last run of the checks' state machine. */
  sfn?(): Promise<SFNClient>;
  /**
   * The Resource Groups Tagging API (optional, as `organizations`): one `GetResources` finds the
   * resources of a region that carry a tag, for the kinds it covers (ACM certificates, ECR
   * repositories), instead of one tag read per resource (`findTaggedResources`).
   */
  tagging?(region?: string): Promise<ResourceGroupsTaggingAPIClient>;
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
        .sort((a, b) => compareCodeUnits(a.service, b.service) || compareCodeUnits(a.operation, b.operation));
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
  config?: { credentials?: () => Promise<{ accessKeyId?: string }> };
  middlewareStack: {
    add(
      middleware: ClientMiddlewareHandler,
      options: {
        step: NonNullable<ClientMiddleware['step']>;
        name: string;
        priority?: 'high' | 'normal' | 'low';
      },
    ): void;
  };
  destroy(): void;
}

const operationOf = (context: { commandName?: string }): string =>
  (context.commandName ?? 'Unknown').replace(/Command$/, '');

/** The call counter as two {@link ClientMiddleware}s: commands (before retries) and HTTP attempts. */
function counterMiddleware(counter: ReturnType<typeof createCallCounter>): ClientMiddleware[] {
  return [
    {
      name: 'eksKitCallCounter',
      step: 'initialize',
      priority: 'high',
      handler:
        ({ service }) =>
        (next, context) =>
        async (args) => {
          const operation = operationOf(context);
          counter.record(service, operation, 'call');
          try {
            return await next(args);
          } catch (error) {
            counter.record(service, operation, 'error');
            throw error;
          }
        },
    },
    {
      name: 'eksKitAttemptCounter',
      step: 'deserialize',
      priority: 'low',
      handler:
        ({ service }) =>
        (next, context) =>
        async (args) => {
          counter.record(service, operationOf(context), 'attempt');
          return next(args);
        },
    },
  ];
}

/** What a middleware is told of one client: its service, region and whose credentials it signs with. */
function serviceInfo(client: ClientLike, service: ServiceKey, region: string): ClientServiceInfo {
  const credentials = client.config?.credentials;
  return {
    service,
    signingName: AWS_SERVICES[service].signingName,
    region,
    ...(typeof credentials === 'function'
      ? { principal: async () => (await credentials()).accessKeyId }
      : {}),
  };
}

function addMiddleware(client: ClientLike, middleware: ClientMiddleware, info: ClientServiceInfo): void {
  client.middlewareStack.add(middleware.handler(info), {
    step: middleware.step ?? 'initialize',
    name: middleware.name,
    ...(middleware.priority ? { priority: middleware.priority } : {}),
  });
}

/** Load a client class, naming the package to install when the optional peer dependency is missing. */
async function loadClientClass(
  service: ServiceKey,
): Promise<new (config: Record<string, unknown>) => unknown> {
  const spec: ServiceSpec = AWS_SERVICES[service];
  try {
    return await spec.load();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new EksKitError(
        'MissingDependency',
        `${spec.packageName} is not installed (needed by clients.${service}())`,
        {
          hint: `add ${spec.packageName} to the dependencies of the package that calls ${service}`,
          cause: error,
        },
      );
    }
    throw error;
  }
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
  return buildClientSet(region, options, createCallCounter(), undefined, {
    ...createSettingsFamily(),
    // One record of unreachable endpoints per family of sets (unreachable.ts): an assumed role's
    // set or another region's fails fast on an endpoint the others found unreachable.
    breaker: createEndpointBreaker(),
  });
}

/**
 * The settings an SDK v3 client looks up on its own when it is made, each through the SDK's config
 * chain (the environment, then the shared config files, then a default; every step that finds nothing
 * throws and catches a `ProviderError`): FIPS and dual-stack endpoints, the user agent's app id, the
 * auth scheme preference and the defaults mode. A set and every set made from it (`withRegion`,
 * `withCredentials`, assumed roles) share one family: each setting is the SDK's own memoized loader,
 * made once per profile, and given to every client, so a run over 1,000 accounts runs each chain once
 * instead of once per client (issue 21). Same loaders, same options, same profile as each client would
 * use: what the environment or a profile says still decides, as before.
 */
interface SettingsFamily {
  /** The shared loaders for clients of `profile` (undefined: AWS_PROFILE, else `default`, as the SDK). */
  settingsFor(profile: string | undefined, region: string): Promise<Record<string, unknown>>;
  /**
   * Without an explicit endpoint, each client also looks up its configured endpoint at its first call
   * (`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`, `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, then the
   * profile's `services` section and `endpoint_url`): looked up once per service, the answer is given
   * to each client (`endpoint`, or `ignoreConfiguredEndpointUrls` when there is none to find).
   */
  configuredEndpoint(service: ServiceKey): Promise<Record<string, unknown>>;
  /** Endpoints found unreachable (issue 21, `unreachable.ts`): the fail-fast rule's record. */
  breaker?: EndpointBreaker;
}

/**
 * The configured endpoint of a service as the SDK finds it: the selectors of @smithy/core 3.41.1
 * (`getEndpointFromConfig.js`, `getEndpointUrlConfig.js`, `getIgnoreConfiguredEndpointUrls.js`, not
 * exported), read without a profile option as the SDK reads them (AWS_PROFILE, else `default`). The
 * SDK's service id is the endpoint variable's suffix ("Route 53": `AWS_ENDPOINT_URL_ROUTE_53`, `route_53`).
 * Source: "Service-specific endpoints", AWS SDKs and Tools Reference Guide (docs/AWS-FACTS.md, checked
 * 2026-12-06).
 */
async function loadConfiguredEndpoint(service: ServiceKey): Promise<string | undefined> {
  const { booleanSelector, loadConfig, SelectorType } = await import('@smithy/core/config');
  // The SDK's CONFIG_PREFIX_SEPARATOR: a sub-section key of the shared config file is `<section>.<key>`.
  const dot = '.';
  const ignore = await loadConfig({
    environmentVariableSelector: (env) =>
      booleanSelector(env, 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', SelectorType.ENV),
    configFileSelector: (profile) =>
      booleanSelector(profile, 'ignore_configured_endpoint_urls', SelectorType.CONFIG),
    default: false,
  })();
  if (ignore) return undefined;
  const variable = AWS_SERVICES[service].endpointEnv;
  const servicePrefix = variable.slice('AWS_ENDPOINT_URL_'.length).toLowerCase();
  return loadConfig<string | undefined>({
    environmentVariableSelector: (env) => env[variable] || env.AWS_ENDPOINT_URL || undefined,
    configFileSelector: (profile, config) => {
      if (profile.services) {
        const section = config?.[['services', profile.services].join(dot)];
        if (!section) {
          throw new Error(
            `The services section "${profile.services}" specified in the profile is not present in the shared configuration file.`,
          );
        }
        const url = section[[servicePrefix, 'endpoint_url'].join(dot)];
        if (url) return url;
      }
      return profile.endpoint_url || undefined;
    },
    default: undefined,
  })();
}

/** Comma-separated list as the SDK splits it (@aws-sdk/core 3.981, `getArrayForCommaSeparatedString`). */
const commaList = (value: unknown): string[] =>
  typeof value === 'string' && value.length > 0 ? value.split(',').map((item) => item.trim()) : [];

/**
 * The SDK's loaders of those settings for one profile: `loadConfig` with the selectors each client's
 * runtime config passes it (`loadNodeConfig(<options>, { profile })`; @smithy/core 3.41.1
 * `NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS`, `NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS`; @aws-sdk/core 3.981
 * `NODE_APP_ID_CONFIG_OPTIONS`, `NODE_AUTH_SCHEME_PREFERENCE_OPTIONS`). The selectors are written out, with
 * the SDK's own `booleanSelector`, because the bundles' build plugins narrow `await import(...)` by names
 * without `_` (tools/esbuild-plugins); `test/client-settings.test.ts` holds them equal to a plain client's.
 */
async function settingLoaders(profile: string | undefined): Promise<Record<string, unknown>> {
  const { booleanSelector, loadConfig, SelectorType } = await import('@smithy/core/config');
  const at = profile !== undefined ? { profile } : {};
  const flag = (variable: string, key: string) =>
    loadConfig(
      {
        environmentVariableSelector: (env) => booleanSelector(env, variable, SelectorType.ENV),
        configFileSelector: (config) => booleanSelector(config, key, SelectorType.CONFIG),
        default: false,
      },
      at,
    );
  return {
    useFipsEndpoint: flag('AWS_USE_FIPS_ENDPOINT', 'use_fips_endpoint'),
    useDualstackEndpoint: flag('AWS_USE_DUALSTACK_ENDPOINT', 'use_dualstack_endpoint'),
    userAgentAppId: loadConfig<string | undefined>(
      {
        environmentVariableSelector: (env) => env.AWS_SDK_UA_APP_ID,
        configFileSelector: (config) => config.sdk_ua_app_id ?? config['sdk-ua-app-id'],
        default: undefined,
      },
      at,
    ),
    // (The SDK's selector also answers a bearer token variable of the service's signing name; the
    // clients' runtime config calls it without one, as here.)
    authSchemePreference: loadConfig<string[] | undefined>(
      {
        environmentVariableSelector: (env) =>
          'AWS_AUTH_SCHEME_PREFERENCE' in env ? commaList(env.AWS_AUTH_SCHEME_PREFERENCE) : undefined,
        configFileSelector: (config) =>
          'auth_scheme_preference' in config ? commaList(config.auth_scheme_preference) : undefined,
        default: [],
      },
      at,
    ),
  };
}

function createSettingsFamily(): SettingsFamily {
  const loaders = new Map<string, Promise<Record<string, unknown>>>();
  const defaultsModes = new Map<string, Promise<unknown>>();
  const endpoints = new Map<ServiceKey, Promise<Record<string, unknown>>>();
  return {
    configuredEndpoint(service) {
      let found = endpoints.get(service);
      if (!found) {
        found = loadConfiguredEndpoint(service).then(
          (url): Record<string, unknown> =>
            url ? { endpoint: url } : { ignoreConfiguredEndpointUrls: true },
          // A lookup that fails is left to each client, which fails the same way at its first call.
          () => ({}),
        );
        endpoints.set(service, found);
      }
      return found;
    },
    async settingsFor(profile, region) {
      const key = profile ?? '';
      let shared = loaders.get(key);
      if (!shared) {
        // Without the SDK's config loader (an optional peer: absent from a strict layout, or an older
        // @smithy/core without `/config`), each client looks its settings up itself, as before.
        shared = settingLoaders(profile).catch(() => ({}));
        loaders.set(key, shared);
      }
      // The defaults mode does not depend on the profile (the SDK reads it without one); `auto`
      // depends on the client's region: one memoized resolver per region.
      let defaultsMode = defaultsModes.get(region);
      if (!defaultsMode) {
        defaultsMode = (async () => {
          const { resolveDefaultsModeConfig } = await import('@smithy/core/config');
          return resolveDefaultsModeConfig({ region });
        })().catch(() => undefined);
        defaultsModes.set(region, defaultsMode);
      }
      const mode = await defaultsMode;
      return { ...(await shared), ...(mode !== undefined ? { defaultsMode: mode } : {}) };
    },
  };
}

/** The fail-fast middleware of a family's sets (unreachable.ts), told the calls' attempt limit. */
function unreachableOf(breaker: EndpointBreaker | undefined, options: ClientOptions): ClientMiddleware[] {
  return breaker ? unreachableMiddleware(breaker, { maxAttempts: options.maxAttempts ?? 6 }) : [];
}

/**
 * The key of a client set's internal STS client for AssumeRole (`assume-role.ts`): not part of
 * {@link AwsClients}; a set made elsewhere (a wrapper without it) makes its own per role, as before.
 * @internal
 */
export const ASSUME_ROLE_STS: unique symbol = Symbol('eks-kit.assumeRoleSts');

function buildClientSet(
  region: string,
  options: ClientOptions,
  counter: ReturnType<typeof createCallCounter>,
  sharedCredentials: { value?: AwsCredentialIdentity | AwsCredentialIdentityProvider } | undefined,
  family: SettingsFamily,
): AwsClients {
  const made = new Map<string, Promise<ClientLike>>();
  const creds = sharedCredentials ?? {};
  const envSpeed = Number((options.env ?? process.env).EKS_KIT_QUOTA_SPEED ?? 1);
  const quotaSpeed = (options.quotas ? options.quotas.speed : undefined) ?? (envSpeed > 0 ? envSpeed : 1);
  // The process-wide quota buckets (issue 22, quotas.ts) go through the same hook, after the set's middleware.
  const quotas =
    options.quotas === false
      ? []
      : [quotaMiddleware(options.quotas?.use ?? processQuotas({ speed: quotaSpeed }))];
  // Fail fast on an endpoint found unreachable (unreachable.ts), before the quota waits it ends.
  const unreachable = unreachableOf(family.breaker, options);
  const middleware = [
    ...counterMiddleware(counter),
    ...(options.middleware ?? []),
    ...unreachable,
    ...quotas,
  ];
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
  const config = async (service: ServiceKey, clientRegion: string): Promise<Record<string, unknown>> => ({
    // First: the shared loaders of the settings each client would otherwise look up itself.
    ...(await family.settingsFor(options.profile, clientRegion)),
    ...(options.endpoint ? {} : await family.configuredEndpoint(service)),
    region: clientRegion,
    credentials: await credentials(),
    maxAttempts: options.maxAttempts ?? 6,
    retryMode: options.retryMode ?? 'adaptive',
    customUserAgent: `eks-kit/${VERSION}`,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.connections ? { requestHandler: { ...options.connections.agents } } : {}),
  });
  const lazy = (service: ServiceKey, clientRegion: string): Promise<ClientLike> => {
    const key = `${service}@${clientRegion}`;
    let client = made.get(key);
    if (!client) {
      client = (async () => {
        const ClientClass = await loadClientClass(service);
        const c = new ClientClass(await config(service, clientRegion)) as ClientLike;
        const info = serviceInfo(c, service, clientRegion);
        for (const m of middleware) addMiddleware(c, m, info);
        return c;
      })();
      made.set(key, client);
      client.catch(() => made.delete(key));
    }
    return client;
  };
  // One getter per row of the table; those that take a region validate it.
  const getters: Record<string, (r?: string) => Promise<ClientLike>> = {};
  for (const service of SERVICE_KEYS) {
    getters[service] = AWS_SERVICES[service].takesRegion
      ? (r = region) => lazy(service, validateRegion(r, 'region'))
      : () => lazy(service, region);
  }
  return {
    region,
    counter,
    options,
    ...(getters as unknown as Pick<AwsClients, ServiceKey>),
    withRegion: (r: string) => buildClientSet(validateRegion(r, 'region'), options, counter, creds, family),
    withCredentials: (credentials) => {
      const { profile: _profile, ...rest } = options;
      return buildClientSet(region, { ...rest, credentials }, counter, undefined, family);
    },
    [ASSUME_ROLE_STS]: () => {
      // One per set: every role assumed with this set's credentials shares it (not counted, no quota
      // middleware, as the SDK's own temporary-credentials client was). Retries as the SDK's default.
      const key = `assume-role:sts@${region}`;
      let client = made.get(key);
      if (!client) {
        client = (async () => {
          const ClientClass = await loadClientClass('sts');
          const { retryMode: _retryMode, ...rest } = await config('sts', region);
          return new ClientClass(rest) as ClientLike;
        })();
        made.set(key, client);
        client.catch(() => made.delete(key));
      }
      return client;
    },
    destroy: () => {
      for (const client of made.values()) client.then((c) => c.destroy()).catch(() => undefined);
      made.clear();
    },
  } as AwsClients;
}

/**
 * The same client set with `middleware` added to each client its getters return (once per client),
 * `withRegion` and `withCredentials` sets included: the hook for per-client behaviour over a set made
 * elsewhere (a wrapper's set, an assumed-role set). The middleware goes onto the underlying clients:
 * give it a client set whose clients nothing else uses, or one whose users should all see it.
 *
 * @example
 * ```ts
 * const logged = withClientMiddleware(clients, {
 *   name: 'logCommands',
 *   handler: ({ service }) => (next, context) => async (args) => {
 *     console.log(service, context.commandName);
 *     return next(args);
 *   },
 * });
 * await (await logged.iam()).send(new GetRoleCommand({ RoleName: 'r' })); // logs "iam GetRoleCommand"
 * ```
 */
export function withClientMiddleware(clients: AwsClients, ...middleware: ClientMiddleware[]): AwsClients {
  return wrapGetters(clients, middleware, new WeakSet());
}

function wrapGetters(clients: AwsClients, middleware: ClientMiddleware[], seen: WeakSet<object>): AwsClients {
  const wrapped: Record<string, unknown> = {};
  for (const service of SERVICE_KEYS) {
    const original = (clients[service] as (r?: string) => Promise<unknown>).bind(clients);
    wrapped[service] = async (r?: string) => {
      const client = (await original(r)) as ClientLike;
      if (!seen.has(client)) {
        seen.add(client);
        const info = serviceInfo(client, service, r ?? clients.region);
        for (const m of middleware) addMiddleware(client, m, info);
      }
      return client;
    };
  }
  const withCredentials = clients.withCredentials?.bind(clients);
  return Object.assign(Object.create(clients) as AwsClients, wrapped, {
    withRegion: (r: string) => wrapGetters(clients.withRegion(r), middleware, seen),
    ...(withCredentials
      ? {
          withCredentials: (credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider) =>
            wrapGetters(withCredentials(credentials), middleware, seen),
        }
      : {}),
  });
}
