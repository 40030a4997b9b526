/**
 * Assumed-role credentials (STS AssumeRole, one STS client per caller set), refreshed
 * before expiry, and client sets that call another account through such a role.
 */
import type { AssumeRoleCommand, AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import {
  ASSUME_ROLE_STS,
  type AwsClients,
  createClients,
  SERVICE_KEYS,
  type ServiceKey,
  type SharedConnections,
} from './clients.js';
import { EksKitError, InvalidInputError, wrapAwsError } from './errors.js';
import { parseArn } from './validators.js';

/** Which role to assume, and how. */
export interface AssumeRoleSpec {
  /** `arn:aws:iam::<account>:role/<name>`. */
  roleArn: string;
  /** The `sts:ExternalId` the role's trust policy may require (a shared secret: never logged). */
  externalId?: string;
  /** Session name visible in the target account's CloudTrail (default `eks-kit`). */
  sessionName?: string;
  /** Credential lifetime in seconds, 900-43200 (default 900). */
  durationSeconds?: number;
}

/** Options of {@link assumeRoleCredentials}. */
export interface AssumeRoleCredentialOptions extends AssumeRoleSpec {
  /** Region of the STS endpoint. */
  region: string;
  /** Endpoint of STS (e.g. the emulator); else the SDK's default. */
  endpoint?: string;
  /** Credentials that call AssumeRole; else the SDK's default chain. */
  baseCredentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Assume again this many seconds before the credentials expire (default 300). */
  refreshBeforeSeconds?: number;
  /** Clock for the refresh decision, epoch ms (tests); default `Date.now`. */
  now?: () => number;
  /** Attempts of the AssumeRole call (default 3). */
  maxAttempts?: number;
  /** Sockets shared with other clients (the STS client of the provider uses them too). */
  connections?: SharedConnections;
  /**
   * Told the session each AssumeRole answered (`AssumedRoleUser`): its ARN names the account, as
   * `sts:GetCallerIdentity` would for these credentials (STS API Reference, AssumeRole response).
   */
  onAssumed?: (user: AssumedRoleUser) => void;
  /**
   * The STS client that calls AssumeRole, shared by every role assumed with the same credentials (its
   * own credentials are the caller's; `baseCredentials`, `endpoint`, `connections` and `maxAttempts`
   * are then its business). Else the provider makes one of its own at its first call.
   */
  sts?: () => Promise<AssumeRoleStsClient>;
}

/** The session an AssumeRole answered: what `sts:GetCallerIdentity` answers for its credentials. */
export interface AssumedRoleUser {
  /** `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`. */
  arn: string;
  /** `<role id>:<session>` (GetCallerIdentity's `UserId`). */
  assumedRoleId: string;
  /** The account of the ARN. */
  accountId: string;
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/**
 * Validate an assume-role spec: a role ARN, a session name and external id AWS accepts, and a
 * duration STS accepts. Throws {@link InvalidInputError} naming `field`.
 *
 * @example
 * ```ts
 * validateAssumeRoleSpec({ roleArn: 'arn:aws:iam::222222222222:role/eks-kit-dns' }, 'dns'); // errors name dns.roleArn ...
 * ```
 */
export function validateAssumeRoleSpec(spec: AssumeRoleSpec, field = ''): void {
  const at = field === '' ? '' : `${field}.`;
  const arn = (() => {
    try {
      return parseArn(spec.roleArn);
    } catch {
      return undefined;
    }
  })();
  if (arn?.service !== 'iam' || !arn.resource.startsWith('role/') || !/^\d{12}$/.test(arn.accountId)) {
    throw new InvalidInputError(
      `${at}roleArn`,
      spec.roleArn,
      'an IAM role ARN arn:aws:iam::<12 digits>:role/<name>',
    );
  }
  if (spec.sessionName !== undefined && !SESSION_NAME.test(spec.sessionName)) {
    throw new InvalidInputError(
      `${at}sessionName`,
      spec.sessionName,
      '2-64 characters of [A-Za-z0-9_+=,.@-]',
    );
  }
  if (spec.externalId !== undefined && !EXTERNAL_ID.test(spec.externalId)) {
    // The value is a secret: not echoed.
    throw new InvalidInputError(`${at}externalId`, '<redacted>', '2-1224 characters of [A-Za-z0-9_+=,.@:/-]');
  }
  if (
    spec.durationSeconds !== undefined &&
    (!Number.isInteger(spec.durationSeconds) || spec.durationSeconds < 900 || spec.durationSeconds > 43_200)
  ) {
    throw new InvalidInputError(
      `${at}durationSeconds`,
      spec.durationSeconds,
      'a whole number from 900 to 43200',
    );
  }
}

/** What {@link assumeRoleCredentials} needs of an STS client: `send` (an SDK v3 `STSClient`). */
export interface AssumeRoleStsClient {
  send(command: AssumeRoleCommand): Promise<AssumeRoleCommandOutput>;
}

/**
 * A credential provider for an assumed role (STS AssumeRole): the first call assumes the role, later
 * calls return the same credentials until `refreshBeforeSeconds` before they expire, then assume
 * again. Concurrent callers share one AssumeRole. A refused AssumeRole throws an eks-kit error naming
 * `sts:AssumeRole` and the role. The call goes through `options.sts` when given (one STS client for
 * every role assumed with the same credentials: {@link assumeRoleClients} passes its base set's),
 * else through an STS client of its own (region, endpoint, `baseCredentials`, sockets), made at the
 * first call, as the SDK's `fromTemporaryCredentials` does.
 *
 * @example
 * ```ts
 * const credentials = assumeRoleCredentials({ roleArn: 'arn:aws:iam::222222222222:role/eks-kit-dns', region: 'us-east-1' });
 * const route53 = new Route53Client({ region: 'us-east-1', credentials });
 * ```
 */
export function assumeRoleCredentials(options: AssumeRoleCredentialOptions): AwsCredentialIdentityProvider {
  validateAssumeRoleSpec(options);
  const refreshBeforeMs = (options.refreshBeforeSeconds ?? 300) * 1000;
  const now = options.now ?? Date.now;
  let client: Promise<AssumeRoleStsClient> | undefined;
  let cached: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const fresh = (c: AwsCredentialIdentity | undefined): c is AwsCredentialIdentity =>
    c !== undefined && (c.expiration === undefined || c.expiration.getTime() - refreshBeforeMs > now());
  const assume = async (): Promise<AwsCredentialIdentity> => {
    const { AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    if (!client) {
      const made = options.sts ? options.sts() : ownStsClient(options);
      client = made;
      // A client that could not be had is asked for again at the next call (as the SDK's provider did).
      made.catch(() => {
        if (client === made) client = undefined;
      });
    }
    const sts = client;
    try {
      const out = await (await sts).send(
        new AssumeRoleCommand({
          RoleArn: options.roleArn,
          RoleSessionName: options.sessionName ?? 'eks-kit',
          DurationSeconds: options.durationSeconds ?? 900,
          ...(options.externalId !== undefined ? { ExternalId: options.externalId } : {}),
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) {
        throw new EksKitError(
          'InvalidResponse',
          `STS answered AssumeRole of ${options.roleArn} without credentials`,
        );
      }
      const user = out.AssumedRoleUser;
      const accountId = user?.Arn?.split(':')[4];
      if (options.onAssumed && user?.Arn && user.AssumedRoleId && accountId)
        options.onAssumed({ arn: user.Arn, assumedRoleId: user.AssumedRoleId, accountId });
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration ? { expiration: c.Expiration } : {}),
      };
    } catch (error) {
      throw wrapAwsError(error, 'sts:AssumeRole', options.roleArn);
    }
  };
  return async () => {
    if (fresh(cached)) return cached;
    pending ??= assume().finally(() => {
      pending = undefined;
    });
    cached = await pending;
    return cached;
  };
}

/** The STS client of a provider given no shared one (as `fromTemporaryCredentials` made it). */
async function ownStsClient(options: AssumeRoleCredentialOptions): Promise<AssumeRoleStsClient> {
  const { STSClient } = await import('@aws-sdk/client-sts');
  return new STSClient({
    region: options.region,
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.baseCredentials ? { credentials: options.baseCredentials } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.connections ? { requestHandler: { ...options.connections.agents } } : {}),
  });
}

/**
 * A client set that calls the role's account: same region, endpoint and retry settings as `base`,
 * credentials from {@link assumeRoleCredentials} with `base`'s credentials as the caller. Nothing
 * is called until a client is used; call `assumeNow` to fail early on a role that cannot be assumed.
 *
 * @example
 * ```ts
 * const base = await createClients({ region: 'eu-west-1' });
 * const dns = await assumeRoleClients(base, { roleArn: 'arn:aws:iam::222222222222:role/eks-kit-dns' });
 * await dns.assumeNow();
 * const route53 = await dns.clients.route53(); // calls account 222222222222
 * ```
 */
export async function assumeRoleClients(
  base: AwsClients,
  spec: AssumeRoleSpec,
  region = base.region,
): Promise<{
  clients: AwsClients;
  accountId: string;
  assumeNow(): Promise<void>;
  /** The session of the last AssumeRole (after {@link assumeNow} or a first call), else undefined. */
  assumedUser(): AssumedRoleUser | undefined;
}> {
  let user: AssumedRoleUser | undefined;
  // One STS client for every role assumed from `base` (issue 21: a client per role was made and
  // configured for each of 1,000 accounts); a set made elsewhere lends its own STS client's credentials.
  const shared = (base as { [ASSUME_ROLE_STS]?: () => Promise<unknown> })[ASSUME_ROLE_STS];
  const credentials = assumeRoleCredentials({
    ...spec,
    region: base.region,
    ...(base.options.endpoint ? { endpoint: base.options.endpoint } : {}),
    ...(base.options.connections ? { connections: base.options.connections } : {}),
    ...(shared
      ? { sts: shared as () => Promise<AssumeRoleStsClient> }
      : // The base client set's resolved credential provider (explicit, profile or default chain).
        { baseCredentials: (await base.sts()).config.credentials }),
    maxAttempts: base.options.maxAttempts ?? 6,
    onAssumed: (u) => {
      user = u;
    },
  });
  const regional = region === base.region ? base : base.withRegion(region);
  // Through the base set when it can (its counter and any wrapper's instrumentation see the calls).
  const clients = regional.withCredentials
    ? regional.withCredentials(credentials)
    : await createClients({
        region,
        ...(base.options.endpoint ? { endpoint: base.options.endpoint } : {}),
        ...(base.options.maxAttempts ? { maxAttempts: base.options.maxAttempts } : {}),
        ...(base.options.retryMode ? { retryMode: base.options.retryMode } : {}),
        ...(base.options.connections ? { connections: base.options.connections } : {}),
        credentials,
      });
  return {
    clients,
    accountId: parseArn(spec.roleArn).accountId,
    assumeNow: async () => {
      await credentials();
    },
    assumedUser: () => user,
  };
}

/**
 * A client set that sends Route 53 calls through `route53From` (e.g. an assumed DNS-account role)
 * and every other service through `base`. `withRegion` keeps the split.
 *
 * @example
 * ```ts
 * const dns = await assumeRoleClients(base, { roleArn: 'arn:aws:iam::222222222222:role/eks-kit-dns' });
 * const split = withRoute53From(base, dns.clients);
 * await split.acm();     // the stack's account
 * await split.route53(); // the DNS account
 * ```
 */
export function withRoute53From(base: AwsClients, route53From: AwsClients): AwsClients {
  // Every getter of the service table from `base`, except Route 53.
  const getters: Record<string, (region?: string) => Promise<unknown>> = {};
  for (const service of SERVICE_KEYS) {
    const from = service === 'route53' ? route53From : base;
    // Only the getters `from` has: an optional one it lacks stays absent (callers test for it).
    if (typeof from[service] !== 'function') continue;
    getters[service] = (region?: string) => (from[service] as (r?: string) => Promise<unknown>)(region);
  }
  return {
    get region() {
      return base.region;
    },
    get counter() {
      return base.counter;
    },
    get options() {
      return base.options;
    },
    ...(getters as unknown as Pick<AwsClients, ServiceKey>),
    withRegion: (region: string) => withRoute53From(base.withRegion(region), route53From),
    destroy: () => {
      base.destroy();
      route53From.destroy();
    },
  };
}
