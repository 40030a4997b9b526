/**
 * Per-run shared reads: one plan, apply or check asks AWS once for each read it would otherwise
 * repeat (the account, the cluster's description, its OIDC provider, the hosted zones; in a read-only
 * run also the roles, groups, repositories and certificates that drift and health checks both read). The memo lives as long as the client set this returns: a new run
 * builds a new one, so nothing is ever served from a previous run and no clock decides freshness.
 */
import { type AwsClients, isNotFoundError, type ServiceKey } from '@eks-kit/core';

/**
 * Reads no step of a stack ever changes (eks-kit creates no account, cluster, OIDC provider or hosted
 * zone), so even an apply may share them between steps. Keys are `service:Operation`.
 */
export const RUN_STABLE_READS: ReadonlySet<string> = new Set([
  'sts:GetCallerIdentity',
  'eks:DescribeCluster',
  'iam:GetOpenIDConnectProvider',
  'route53:ListHostedZonesByName',
  // Account-wide settings eks-kit reads and never writes (issue 17): the registry's scanning rules,
  // the cluster's EKS add-ons; a zone's own name servers (the delegation check, issue 18).
  'ecr:GetRegistryScanningConfiguration',
  'eks:DescribeAddon',
  'route53:GetHostedZone',
]);

/**
 * Reads a read-only run (plan, check) also shares: the ones its steps and checks repeat. Nothing
 * a poller waits on is here except `acm:DescribeCertificate`, which is kept only once every
 * validation option has its record (the one thing a plan may wait for; see {@link shareReads}).
 */
export const READ_ONLY_RUN_READS: ReadonlySet<string> = new Set([
  'autoScaling:DescribeAutoScalingGroups',
  'iam:GetRole',
  'iam:ListRolePolicies',
  'iam:GetRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:ListRoleTags',
  'ecr:DescribeRepositories',
  'ecr:GetLifecyclePolicy',
  'ecr:ListTagsForResource',
  'acm:ListCertificates',
  'acm:ListTagsForCertificate',
  'acm:DescribeCertificate',
  'route53:ListResourceRecordSets',
  // The roles listing of the orphan finding (issue 16) and the node-group shapes (issue 19).
  'iam:ListRoles',
  'ec2:DescribeLaunchTemplateVersions',
  'ec2:DescribeInstanceTypes',
  'eks:DescribeNodegroup',
]);

/** Which reads a run shares. */
export type SharedReadsMode =
  /** Only {@link RUN_STABLE_READS}: for runs that write (apply), where a read after a write must go to AWS. */
  | 'stable'
  /** Also {@link READ_ONLY_RUN_READS}: for runs that write nothing (plan, check). */
  | 'read-only';

interface SendingClient {
  send(command: unknown, ...rest: unknown[]): Promise<unknown>;
}

/** The operation name of an SDK v3 command (its schema names it; the class name is a fallback). */
function operationOf(command: unknown): string {
  const schema = (command as { schema?: unknown }).schema;
  if (Array.isArray(schema) && typeof schema[2] === 'string') return schema[2];
  const name = (command as { constructor?: { name?: string } }).constructor?.name ?? '';
  return name.replace(/Command\d*$/, '');
}

/** JSON with object keys sorted and undefined values left out: the same input, however it was built, gives the same key. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => x !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

function shares(mode: SharedReadsMode, service: ServiceKey, operation: string): boolean {
  const key = `${service}:${operation}`;
  return RUN_STABLE_READS.has(key) || (mode === 'read-only' && READ_ONLY_RUN_READS.has(key));
}

/**
 * Whether an answer may be handed to later callers. A certificate still waiting for its validation
 * records (ACM adds them seconds after the request, docs/AWS-FACTS.md#acm-validation-records) is not: a poller must see the next one.
 */
function keeps(operation: string, output: unknown): boolean {
  if (operation !== 'DescribeCertificate') return true;
  const options =
    (output as { Certificate?: { DomainValidationOptions?: Array<{ ResourceRecord?: unknown }> } })
      .Certificate?.DomainValidationOptions ?? [];
  return options.every((o) => o.ResourceRecord !== undefined);
}

/**
 * A client set for one run that sends each shared read once and hands every caller its own copy of
 * the answer (a not-found answer is shared too; any other error is not kept, so a retry asks again).
 * Calls that are not shared pass through unchanged, and the call counter counts only what reached AWS.
 *
 * @example
 * ```ts
 * const run = shareReads(clients, 'read-only');
 * await describeAccount(run);
 * await describeAccount(run); // answered from the first call: one sts:GetCallerIdentity
 * ```
 */
export function shareReads(clients: AwsClients, mode: SharedReadsMode): AwsClients {
  return wrapSet(clients, mode, new Map());
}

function wrapSet(
  clients: AwsClients,
  mode: SharedReadsMode,
  memo: Map<string, Promise<unknown>>,
): AwsClients {
  const wrap =
    <C>(service: ServiceKey, get: (region?: string) => Promise<C>) =>
    async (region?: string): Promise<C> => {
      const client = await get(region);
      const scope = `${service}@${region ?? clients.region}`;
      return wrapClient(client as unknown as SendingClient, service, scope, mode, memo) as unknown as C;
    };
  return {
    get region() {
      return clients.region;
    },
    get counter() {
      return clients.counter;
    },
    get options() {
      return clients.options;
    },
    iam: wrap('iam', () => clients.iam()),
    autoScaling: wrap('autoScaling', () => clients.autoScaling()),
    acm: wrap('acm', (r) => clients.acm(r)),
    route53: wrap('route53', () => clients.route53()),
    ecr: wrap('ecr', (r) => clients.ecr(r)),
    sts: wrap('sts', () => clients.sts()),
    eks: wrap('eks', () => clients.eks()),
    ec2: wrap('ec2', () => clients.ec2()),
    ssm: wrap('ssm', () => clients.ssm()),
    sns: wrap('sns', () => clients.sns()),
    withRegion: (region: string) => wrapSet(clients.withRegion(region), mode, memo),
    // Another account: its own memo (the same read answers differently there).
    ...(clients.withCredentials
      ? {
          withCredentials: (credentials: Parameters<NonNullable<AwsClients['withCredentials']>>[0]) =>
            wrapSet(
              (clients.withCredentials as NonNullable<AwsClients['withCredentials']>)(credentials),
              mode,
              new Map(),
            ),
        }
      : {}),
    destroy: () => clients.destroy(),
  };
}

function wrapClient(
  client: SendingClient,
  service: ServiceKey,
  scope: string,
  mode: SharedReadsMode,
  memo: Map<string, Promise<unknown>>,
): SendingClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: unknown, ...rest: unknown[]): Promise<unknown> => {
        const operation = operationOf(command);
        if (!shares(mode, service, operation)) return target.send(command, ...rest);
        const key = `${scope} ${operation} ${stableJson((command as { input?: unknown }).input ?? {})}`;
        let answer = memo.get(key);
        if (!answer) {
          answer = target.send(command, ...rest);
          memo.set(key, answer);
          answer.then(
            (out) => {
              if (!keeps(operation, out)) memo.delete(key);
            },
            (error: unknown) => {
              if (!isNotFoundError(error)) memo.delete(key);
            },
          );
        }
        return answer.then((out) => structuredClone(out));
      };
    },
  });
}
