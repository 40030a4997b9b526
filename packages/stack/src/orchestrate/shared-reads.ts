/**
 * Per-run shared reads (issue 22): one plan, apply or check asks AWS once for each read it would
 * otherwise repeat (the account, the cluster's description, its OIDC provider, the hosted zones,
 * ListCertificates once per run and region; in a read-only run also the roles, groups, repositories
 * and certificates that drift and health checks both read). It is SDK middleware keyed by the
 * command's name and input, added once to each client; which run a call belongs to comes from an
 * `AsyncLocalStorage` context that {@link withSharedReads} opens. The memo lives as long as that
 * run: nothing is ever served from a previous run and no clock decides freshness.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
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
  // The grants check's repository policies (issue 22: read beside the other repository reads).
  'ecr:GetRepositoryPolicy',
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

/**
 * What a run does: `read-only` (plan, check) or `stable` (apply: writes). Both share
 * {@link RUN_STABLE_READS} and {@link READ_ONLY_RUN_READS}; in either, a write (any operation but
 * Describe/List/Get) drops the run's answers of the same service, region and credentials except the
 * run-stable facts, so a read after a write goes to AWS. A nested run shares its outermost run's memo.
 */
export type SharedReadsMode =
  | 'stable'
  | 'read-only'
  /** A poller (apply's wait for ISSUED): only {@link RUN_STABLE_READS} are shared, every other read goes to AWS. */
  | 'poll';

/** One run's memo: per credentials, service, region, operation and input. */
interface RunStore {
  mode: SharedReadsMode;
  memo: Map<string, Promise<MiddlewareOutput>>;
  /** The outermost run: stable reads are shared with it (apply's plan and apply phases share them). */
  root: RunStore;
}

interface MiddlewareOutput {
  output: unknown;
  response?: unknown;
}

interface MiddlewareClient {
  middlewareStack: {
    addRelativeTo(
      middleware: (
        next: (args: { input?: unknown }) => Promise<MiddlewareOutput>,
        context: { commandName?: string },
      ) => (args: { input?: unknown }) => Promise<MiddlewareOutput>,
      options: { relation: 'before' | 'after'; toMiddleware: string; name: string },
    ): void;
  };
}

const storage = new AsyncLocalStorage<RunStore>();

/** A new run's store; nested in another run, it shares that run's stable reads. */
function newStore(mode: SharedReadsMode): RunStore {
  const parent = storage.getStore();
  const store = { mode, memo: new Map() } as RunStore;
  store.root = parent?.root ?? store;
  return store;
}

/**
 * Run `fn` as one run of shared reads: every call it makes (awaited or not) through clients that
 * carry the shared-reads middleware ({@link shareReads}) sends each shared read once. Nested in
 * another run, stable reads are shared with the outer run and the rest with this one only.
 *
 * @example
 * ```ts
 * const run = shareReads(clients, 'read-only');
 * await withSharedReads('read-only', async () => {
 *   await describeAccount(run);
 *   await describeAccount(run); // answered from the first call: one sts:GetCallerIdentity
 * });
 * ```
 */
export function withSharedReads<T>(mode: SharedReadsMode, fn: () => Promise<T>): Promise<T> {
  return storage.run(newStore(mode), fn);
}

/**
 * A function that runs its argument inside one fixed run (made now): for callers such as a list of
 * checks whose members are started separately but belong to one run.
 *
 * @example
 * ```ts
 * const inRun = sharedReadsRun('read-only');
 * await Promise.all(checks.map((c) => inRun(() => c.run(clients))));
 * ```
 */
export function sharedReadsRun(mode: SharedReadsMode): <T>(fn: () => Promise<T>) => Promise<T> {
  const store = newStore(mode);
  return (fn) => storage.run(store, fn);
}

/** The operation name of a command, from the middleware context. */
function operationOf(commandName: string | undefined): string {
  return (commandName ?? '').replace(/Command$/, '');
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

/**
 * The run whose memo a call uses, or undefined when the call is not shared. One memo per outermost
 * run: apply's plan phase and its writes share reads, and a write drops what it may have changed
 * ({@link isWrite}).
 */
function memoFor(store: RunStore | undefined, service: ServiceKey, operation: string): RunStore | undefined {
  if (!store) return undefined;
  const key = `${service}:${operation}`;
  if (store.mode === 'poll') return RUN_STABLE_READS.has(key) ? store.root : undefined;
  return RUN_STABLE_READS.has(key) || READ_ONLY_RUN_READS.has(key) ? store.root : undefined;
}

/**
 * True for an operation that may change what a read answers: anything but Describe/List/Get
 * (AssumeRole changes nothing a read answers).
 */
function isWrite(operation: string): boolean {
  return !/^(Describe|List|Get|BatchGet|BatchCheck|AssumeRole)/.test(operation);
}

/** Input fields that name one resource: a write naming one keeps the answers about other resources. */
const ID_KEYS = ['RoleName', 'repositoryName', 'repositoryNames', 'resourceArn', 'CertificateArn'] as const;

/** The resource names an input carries (empty: a listing, or a write that may change anything). */
function idsOf(input: unknown): string[] {
  if (!input || typeof input !== 'object') return [];
  const ids: string[] = [];
  for (const key of ID_KEYS) {
    const value = (input as Record<string, unknown>)[key];
    if (typeof value === 'string') ids.push(value);
    else if (Array.isArray(value)) ids.push(...value.filter((v): v is string => typeof v === 'string'));
  }
  return ids;
}

/**
 * Whether two resource ids name the same resource: equal, or one is the other's ARN (an ARN ends in
 * `/<name>`: `arn:aws:ecr:...:repository/seed/app` is `seed/app`). `seed/app` and `seed/app/cache`
 * are two repositories (a name may hold `/`, docs/AWS-FACTS.md#ecr-repositories; nothing is inside
 * another): a write to one keeps the other's answers, so destroy's cache deletion does not send its
 * repository's reads again (issue 22).
 */
function sameResource(a: string, b: string): boolean {
  return a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`);
}

/**
 * Drop the run's answers a write to `scope` (credentials, service, region) may have changed: every
 * answer of the scope except the run-stable facts and, when the write names its resource
 * (RoleName, repositoryName...), the answers about other resources ({@link sameResource}).
 */
function invalidate(store: RunStore, scope: string, service: ServiceKey, writeInput: unknown): void {
  const written = idsOf(writeInput);
  for (const key of [...store.root.memo.keys()]) {
    if (!key.startsWith(`${scope} `)) continue;
    const rest = key.slice(scope.length + 1);
    const space = rest.indexOf(' ');
    const operation = rest.slice(0, space);
    if (RUN_STABLE_READS.has(`${service}:${operation}`)) continue;
    if (written.length > 0) {
      const read = idsOf(JSON.parse(rest.slice(space + 1)) as unknown);
      const unrelated = read.length > 0 && read.every((r) => written.every((w) => !sameResource(r, w)));
      if (unrelated) continue;
    }
    store.root.memo.delete(key);
  }
}

/**
 * Run `fn` outside any run of shared reads: for pollers (waiting for a certificate to be issued),
 * which must see each new answer.
 *
 * @example
 * ```ts
 * await outsideSharedReads(() => waitUntilIssued(clients, { arn, region }));
 * ```
 */
export function outsideSharedReads<T>(fn: () => Promise<T>): Promise<T> {
  return storage.exit(fn);
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

/** The statuses a ListCertificates asks for, when it filters by status. */
function statusFilter(operation: string, input: unknown): string[] | undefined {
  if (operation !== 'ListCertificates') return undefined;
  const statuses = (input as { CertificateStatuses?: string[] } | undefined)?.CertificateStatuses;
  return statuses && statuses.length > 0 ? statuses : undefined;
}

const equipped = new WeakSet<object>();

/**
 * Add the shared-reads middleware to one SDK client (once; later calls do nothing). It sits before
 * the call counter, so the counter counts only what reached AWS. Outside a run it passes every
 * call through.
 *
 * @example
 * ```ts
 * addSharedReadsMiddleware(await clients.sts(), 'sts', '1 sts@eu-west-1'); // scope: credentials, service, region
 * ```
 */
export function addSharedReadsMiddleware(client: object, service: ServiceKey, scope: string): void {
  if (equipped.has(client)) return;
  equipped.add(client);
  (client as MiddlewareClient).middlewareStack.addRelativeTo(
    (next, context) => async (args) => {
      const operation = operationOf(context.commandName);
      const store = storage.getStore();
      const run = memoFor(store, service, operation);
      if (!run) {
        if (!store || !isWrite(operation)) return next(args);
        // A write: what it may change is read again, before and after it lands.
        invalidate(store, scope, service, args.input);
        try {
          return await next(args);
        } finally {
          invalidate(store, scope, service, args.input);
        }
      }
      const memo = run.memo;
      // ListCertificates once per run and region: a status filter is applied here to the one
      // unfiltered listing (without CertificateStatuses ACM lists every status; each summary has its Status).
      const statuses = statusFilter(operation, args.input);
      const input = statuses ? { ...(args.input as object), CertificateStatuses: undefined } : args.input;
      const key = `${scope} ${operation} ${stableJson(input ?? {})}`;
      let answer = memo.get(key);
      if (!answer) {
        const sent = next({ ...args, input });
        answer = sent;
        memo.set(key, sent);
        const table = memo;
        sent.then(
          (out) => {
            if (!keeps(operation, out.output) && table.get(key) === sent) table.delete(key);
          },
          (error: unknown) => {
            if (!isNotFoundError(error) && table.get(key) === sent) table.delete(key);
          },
        );
      }
      const out = await answer;
      const output = structuredClone(out.output) as { CertificateSummaryList?: Array<{ Status?: string }> };
      if (statuses && output.CertificateSummaryList)
        output.CertificateSummaryList = output.CertificateSummaryList.filter(
          (c) => c.Status !== undefined && statuses.includes(c.Status),
        );
      return { ...out, output };
    },
    { relation: 'before', toMiddleware: 'eksKitCallCounter', name: 'eksKitSharedReads' },
  );
}

/**
 * The same client set, with the shared-reads middleware on every client it hands out. Calls made
 * inside {@link withSharedReads} (or a {@link sharedReadsRun}) share their reads; `mode` is the
 * mode of the run this set opens when it is used by {@link runSteps}-style callers and is kept for
 * compatibility: the run's own mode decides.
 *
 * @example
 * ```ts
 * const run = shareReads(clients, 'read-only');
 * await withSharedReads('read-only', () => planStack(run, stack));
 * ```
 */
export function shareReads(clients: AwsClients, _mode?: SharedReadsMode): AwsClients {
  return equipSet(clients, scopeOf(clients));
}

/** Which credentials a client set uses, as a number: a region of the same set shares it, an assumed role does not. */
const scopes = new WeakMap<AwsClients, number>();
let nextScope = 1;
function scopeOf(clients: AwsClients, inherit?: number): number {
  let id = scopes.get(clients);
  if (id === undefined) {
    id = inherit ?? nextScope++;
    scopes.set(clients, id);
  }
  return id;
}

function equipSet(clients: AwsClients, scope: number): AwsClients {
  const equip =
    <C>(service: ServiceKey, get: (region?: string) => Promise<C>) =>
    async (region?: string): Promise<C> => {
      const client = await get(region);
      addSharedReadsMiddleware(client as object, service, `${scope} ${service}@${region ?? clients.region}`);
      return client;
    };
  const set: AwsClients = {
    get region() {
      return clients.region;
    },
    get counter() {
      return clients.counter;
    },
    get options() {
      return clients.options;
    },
    iam: equip('iam', () => clients.iam()),
    autoScaling: equip('autoScaling', () => clients.autoScaling()),
    acm: equip('acm', (r) => clients.acm(r)),
    route53: equip('route53', () => clients.route53()),
    ecr: equip('ecr', (r) => clients.ecr(r)),
    sts: equip('sts', () => clients.sts()),
    eks: equip('eks', () => clients.eks()),
    ec2: equip('ec2', () => clients.ec2()),
    ssm: equip('ssm', () => clients.ssm()),
    sns: equip('sns', () => clients.sns()),
    withRegion: (region: string) => {
      const regional = clients.withRegion(region);
      return equipSet(regional, scopeOf(regional, scope));
    },
    // Another account: other credentials, so another scope (the same read answers differently there).
    ...(clients.withCredentials
      ? {
          withCredentials: (credentials: Parameters<NonNullable<AwsClients['withCredentials']>>[0]) =>
            shareReads((clients.withCredentials as NonNullable<AwsClients['withCredentials']>)(credentials)),
        }
      : {}),
    destroy: () => clients.destroy(),
  };
  scopes.set(set, scope);
  return set;
}
