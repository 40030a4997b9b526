/**
 * Per-run shared reads (issue 22): one plan, apply or check asks AWS once for each read it would
 * otherwise repeat (the account, the cluster's description, its OIDC provider, the hosted zones,
 * ListCertificates once per run and region; in a read-only run also the roles, groups, repositories
 * and certificates that drift and health checks both read). It is SDK middleware keyed by the
 * command's name and input, added once to each client. Which run a call belongs to comes from the
 * client set it is sent through ({@link bindSharedReads}: plan, apply, destroy and check bind their
 * runs to their client sets, issue 21), or, for library callers, from an `AsyncLocalStorage` context
 * that {@link withSharedReads} opens. The memo lives as long as that run: nothing is ever served from
 * a previous run and no clock decides freshness.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type AwsClients, isNotFoundError, type ServiceKey, sendRead } from '@eks-kit/core';

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
  /**
   * Repository listings the run has started ({@link startRepositoryListing}), by scope: settled once
   * the listing is in the memo (or could not be sent), so a name read that arrives first waits for it.
   */
  listings?: Map<string, { started: Promise<void>; settle: () => void }>;
  /**
   * The check run's read of the Auto Scaling groups tagged for the cluster
   * ({@link startGroupTagListing}), by scope: its memo key, and settled once it is in the memo (or
   * will not be sent), so a read of groups by name waits for it and may be answered from it.
   */
  groupListings?: Map<string, { key: string; started: Promise<void>; settle: () => void }>;
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

/** A new run's store; nested in another run (`parent`), it shares that run's reads (its root's memo). */
function newStore(mode: SharedReadsMode, parent: RunStore | undefined): RunStore {
  const store = { mode, memo: new Map() } as RunStore;
  store.root = parent?.root ?? store;
  return store;
}

/**
 * Run `fn` as one run of shared reads: every call it makes (awaited or not) through clients that
 * carry the shared-reads middleware ({@link shareReads}) sends each shared read once. Nested in
 * another run, its reads are shared with the outermost run (a `poll` run shares only
 * {@link RUN_STABLE_READS}).
 *
 * It enters an `AsyncLocalStorage` context, which makes Node 20 and 22 run a promise hook for every
 * promise of the process from then on (issue 21: the checks Lambda's cold start took 11-35% longer).
 * {@link bindSharedReads} binds a run to a client set instead, with no async context: `planStack`,
 * `applyStack`, `runSteps`, `destroyStack` and the checks use it, and nest in a run opened here.
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
  return storage.run(newStore(mode, storage.getStore()), fn);
}

/**
 * A function that runs its argument inside one fixed run (made now): for callers such as a list of
 * checks whose members are started separately but belong to one run. Like {@link withSharedReads} it
 * enters an `AsyncLocalStorage` context; {@link bindSharedReads} does the same without one.
 *
 * @example
 * ```ts
 * const inRun = sharedReadsRun('read-only');
 * await Promise.all(checks.map((c) => inRun(() => c.run(clients))));
 * ```
 */
export function sharedReadsRun(mode: SharedReadsMode): <T>(fn: () => Promise<T>) => Promise<T> {
  const store = newStore(mode, storage.getStore());
  return (fn) => storage.run(store, fn);
}

/**
 * One run of shared reads (made now) bound to a client set instead of an async context: every call
 * sent through the set it answers (its other regions and assumed roles, and the sets made from those,
 * included) belongs to the run, wherever the caller is. The set's clients mark each command they send
 * with the run; the middleware reads the mark from the command. Given a set bound to a run (or called
 * inside {@link withSharedReads}), the new run is nested in that one: its reads are shared with the
 * outermost run, as a nested {@link withSharedReads} would.
 *
 * Why (issue 21): an `AsyncLocalStorage` context ({@link withSharedReads}, {@link sharedReadsRun}) makes
 * Node 20 and 22 track every promise the process makes from then on, through async hooks: the checks
 * Lambda's import + first invocation under its CPU share took 11-35% longer with one context entered
 * (`node bench/run.mjs --only lambda-init`; docs/PERFORMANCE.md, "The Lambda under its CPU share"), and
 * the CLI's plan paid them too. `planStack`, `applyStack`, `runSteps`, `destroyStack` and `stackChecks`
 * use this. Only calls sent through the bound set (and the sets made from it) join the run: a set made
 * apart from it (e.g. from the raw `clients`) is in no run.
 *
 * @example
 * ```ts
 * const run = bindSharedReads(clients, 'read-only');
 * await describeAccount(run);
 * await describeAccount(run); // answered from the first call: one sts:GetCallerIdentity
 * ```
 */
export function bindSharedReads(clients: AwsClients, mode: SharedReadsMode): AwsClients {
  return equipSet(clients, scopeOf(clients), newStore(mode, boundStores.get(clients) ?? storage.getStore()));
}

/**
 * A new run bound to `clients` that is nested in no other run, even when `clients` is bound to one:
 * apply's run after a person confirmed the plan reads AWS afresh (what {@link outsideSharedReads}
 * around {@link withSharedReads} did). Internal to the stack's orchestration.
 *
 * @example
 * ```ts
 * const applied = await runSteps(bindFreshRun(stable, 'stable'), stack, { dryRun: false });
 * ```
 */
export function bindFreshRun(clients: AwsClients, mode: SharedReadsMode): AwsClients {
  return equipSet(clients, scopeOf(clients), newStore(mode, undefined));
}

/**
 * `clients` (a set bound to another run, or to none) bound to the run `runOf` is bound to: the same
 * run, not a nested one. Apply's certificate wait and delegation checks go through the apply's own
 * run whichever run the step that made their clients (its DNS role's, its region's) was in. Without a
 * run on `runOf`, the set only carries the middleware ({@link shareReads}).
 *
 * @example
 * ```ts
 * const poll = bindSharedReads(stable, 'poll');
 * await waitUntilIssued(joinRun(applied.clients, poll), { arn, region });
 * ```
 */
export function joinRun(clients: AwsClients, runOf: AwsClients): AwsClients {
  return equipSet(clients, scopeOf(clients), boundStores.get(runOf));
}

/** The run a client set from {@link bindSharedReads} belongs to. */
const boundStores = new WeakMap<AwsClients, RunStore>();
/**
 * The run each command being sent through a bound client belongs to (read by the middleware), with
 * how many of its sends through that run are under way: the mark is removed when the last one
 * settles, so the same command object sent later through another set, or inside another run, is not
 * answered by this one (no answer of a run outside its own calls).
 */
const commandStores = new WeakMap<object, { store: RunStore; sends: number }>();

/** Mark `command` as sent through `store`'s run until `sent` settles. */
function markWhileSent(command: object, store: RunStore): () => void {
  let mark = commandStores.get(command);
  if (mark?.store === store) mark.sends++;
  else {
    mark = { store, sends: 1 };
    commandStores.set(command, mark);
  }
  const marked = mark;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    marked.sends--;
    if (marked.sends === 0 && commandStores.get(command) === marked) commandStores.delete(command);
  };
}
/** The bound stand-in of each SDK client, per run. */
const boundClients = new WeakMap<object, WeakMap<RunStore, object>>();
/** The SDK client each bound stand-in stands in for (a set bound again is bound to the SDK client, once). */
const unboundClients = new WeakMap<object, object>();

/**
 * `client` as seen by one bound run: an object whose prototype is the client (its config, middleware
 * stack, `destroy` and class are the client's) with a `send` that marks the command with the run.
 */
function boundClient<C extends object>(client: C, store: RunStore): C {
  let byStore = boundClients.get(client);
  if (!byStore) {
    byStore = new WeakMap();
    boundClients.set(client, byStore);
  }
  let bound = byStore.get(store);
  if (!bound) {
    const send = (client as unknown as { send: (command: object, ...rest: unknown[]) => unknown }).send;
    bound = Object.create(client, {
      send: {
        value: (command: object, ...rest: unknown[]) => {
          const unmark = markWhileSent(command, store);
          // The SDK's callback form (`send(command, [options,] callback)`): unmarked when it is called.
          const last = rest.length - 1;
          const callback = rest[last];
          if (typeof callback === 'function') {
            rest[last] = (...results: unknown[]) => {
              unmark();
              return (callback as (...r: unknown[]) => unknown)(...results);
            };
          }
          let sent: unknown;
          try {
            sent = send.call(client, command, ...rest);
          } catch (error) {
            unmark();
            throw error;
          }
          if (sent && typeof (sent as Promise<unknown>).then === 'function')
            (sent as Promise<unknown>).then(unmark, unmark);
          return sent;
        },
      },
    }) as object;
    byStore.set(store, bound);
    unboundClients.set(bound, client);
  }
  return bound as C;
}

/** The SDK's handler context key holding the command being sent (`SMITHY_CONTEXT_KEY` of @smithy/types). */
const SMITHY_CONTEXT_KEY = '__smithy_context';

/** The run of a call: the one its command was marked with by a bound client, else the async context's. */
function runOfCall(context: object): RunStore | undefined {
  const command = (context as Record<string, { commandInstance?: object } | undefined>)[SMITHY_CONTEXT_KEY]
    ?.commandInstance;
  return (command && commandStores.get(command)?.store) ?? storage.getStore();
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

/**
 * One resource id in the form a name has: an ECR repository ARN becomes its repository name and an
 * IAM role ARN its role name, so a write naming the resource one way and a read naming it the other
 * way meet (`PutLifecyclePolicy repositoryName=seed/app` and `ListTagsForResource
 * resourceArn=arn:...:repository/seed/app`); certificate ARNs stay ARNs (that is their name).
 */
function idOf(value: string): string {
  const repository = /^arn:[^:]+:ecr:[^:]*:[^:]*:repository\/(.+)$/.exec(value);
  if (repository) return repository[1] as string;
  const role = /^arn:[^:]+:iam::[^:]*:role\/(?:.*\/)?([^/]+)$/.exec(value);
  if (role) return role[1] as string;
  return value;
}

/** The resource names an input carries (empty: a listing, or a write that may change anything). */
function idsOf(input: unknown): string[] {
  if (!input || typeof input !== 'object') return [];
  const ids: string[] = [];
  for (const key of ID_KEYS) {
    const value = (input as Record<string, unknown>)[key];
    if (typeof value === 'string') ids.push(idOf(value));
    else if (Array.isArray(value))
      ids.push(...value.filter((v): v is string => typeof v === 'string').map(idOf));
  }
  return ids;
}

/**
 * Drop the run's answers a write to `scope` (credentials, service, region) may have changed: every
 * answer of the scope except the run-stable facts and, when the write names its resource
 * (RoleName, repositoryName...), the answers about other resources (ids compared by name, an ARN
 * reduced to the name it carries: a write to `seed/app` keeps what was read about `seed/app/cache`,
 * a different repository: ECR names are flat, the `/` is only a character of the name).
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
      const unrelated = read.length > 0 && read.every((r) => !written.includes(r));
      if (unrelated) continue;
    }
    store.root.memo.delete(key);
  }
}

/**
 * Forget every answer of the run `clients` is bound to except the run-stable facts
 * ({@link RUN_STABLE_READS}): for writes made through another run (apply's writes after a person
 * confirmed run in a fresh run), after which this run's reads must go to AWS again (review of issue 21).
 * A set bound to no run: nothing to forget. Internal to the stack's orchestration.
 *
 * @example
 * ```ts
 * forgetChangeableReads(stable); // the next ListCertificates through `stable` goes to AWS
 * ```
 */
export function forgetChangeableReads(clients: AwsClients): void {
  const store = boundStores.get(clients)?.root;
  if (!store) return;
  for (const key of [...store.memo.keys()]) {
    // `<credentials> <service>@<region> <Operation> <input>`
    const [, serviceAtRegion = '', operation = ''] = key.split(' ');
    const service = serviceAtRegion.slice(0, serviceAtRegion.indexOf('@'));
    if (!RUN_STABLE_READS.has(`${service}:${operation}`)) store.memo.delete(key);
  }
}

/**
 * Run `fn` outside any run of shared reads opened by {@link withSharedReads}: for pollers (waiting
 * for a certificate to be issued), which must see each new answer. A call sent through a set bound to
 * a run ({@link bindSharedReads}) is still in that run: send it through a set that is not (apply's
 * wait uses a `poll` run bound to its clients instead).
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

/**
 * Page size of the run's repository listing (the orphans' listing, the prefetch, destroy): ECR's
 * largest (docs/AWS-FACTS.md#ecr-describing-repositories), so one call lists a registry of up to
 * 1,000 repositories and that one answer serves every "does repository X exist" of the run.
 */
export const REPOSITORY_LISTING_PAGE_SIZE = 1000;

/** The memo key of the run's repository listing in `scope`. */
function listingKey(scope: string): string {
  return `${scope} DescribeRepositories {"maxResults":${REPOSITORY_LISTING_PAGE_SIZE}}`;
}

/**
 * Start the run's listing of the registry (DescribeRepositories, {@link REPOSITORY_LISTING_PAGE_SIZE}
 * per page) through `run` (a set from {@link shareReads}), and say so to the run at once: a
 * repository's DescribeRepositories sent through the run before the listing reaches the shared
 * reads waits for it and is answered from it, whatever order the calls start in. Call it with a set
 * bound to the run ({@link bindSharedReads}) or inside {@link withSharedReads}; outside a run it only
 * sends the listing.
 *
 * @example
 * ```ts
 * const run = bindSharedReads(clients, 'read-only');
 * void startRepositoryListing(run).catch(() => undefined);
 * await planStack(run, stack); // each repository's DescribeRepositories is answered by the listing
 * ```
 */
export function startRepositoryListing(run: AwsClients): Promise<unknown> {
  const store = (boundStores.get(run) ?? storage.getStore())?.root;
  const id = scopes.get(run);
  let settle = (): void => undefined;
  if (store && id !== undefined) {
    const scope = `${id} ecr@${run.region}`;
    store.listings ??= new Map();
    const known = store.listings.get(scope);
    if (known) settle = known.settle;
    else {
      let resolve = (): void => undefined;
      const started = new Promise<void>((r) => {
        resolve = r;
      });
      store.listings.set(scope, { started, settle: resolve });
      settle = resolve;
    }
  }
  const sent = sendRead(run, 'ecr', 'DescribeRepositories', { maxResults: REPOSITORY_LISTING_PAGE_SIZE });
  // Settled when the listing reaches the memo; this covers a listing that never got there.
  sent.then(settle, settle);
  return sent;
}

/** The one repository name a DescribeRepositories input asks about (nothing else set), if so. */
function oneRepositoryName(input: unknown): string | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const fields = Object.entries(input as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (fields.length !== 1 || fields[0]?.[0] !== 'repositoryNames') return undefined;
  const names = fields[0][1];
  return Array.isArray(names) && names.length === 1 && typeof names[0] === 'string' ? names[0] : undefined;
}

/** ECR's answer for a name that does not exist (docs/AWS-FACTS.md#ecr-describing-repositories), with its message. */
function repositoryNotFound(name: string, registryId: string | undefined): Error {
  const error = new Error(
    `The repository with name '${name}' does not exist in the registry${registryId ? ` with id '${registryId}'` : ''}`,
  );
  error.name = 'RepositoryNotFoundException';
  return Object.assign(error, { $fault: 'client', $metadata: {} });
}

/**
 * "Does repository `name` exist", answered from the run's listing of the registry (first page, no
 * names) when the run has one: a complete listing (no nextToken) holds every repository of the
 * region, so a name it lacks does not exist and gets ECR's own RepositoryNotFoundException. An
 * incomplete or failed listing answers nothing: `send` asks AWS about the name.
 */
function answerFromListing(
  memo: Map<string, Promise<MiddlewareOutput>>,
  scope: string,
  name: string,
  send: () => Promise<MiddlewareOutput>,
): Promise<MiddlewareOutput> | undefined {
  const listing = [memo.get(listingKey(scope)), memo.get(`${scope} DescribeRepositories {}`)].find(
    (p) => p !== undefined,
  );
  if (!listing) return undefined;
  return listing.then(
    (out) => {
      const page = out.output as {
        repositories?: Array<{ repositoryName?: string; registryId?: string }>;
        nextToken?: string;
        $metadata?: unknown;
      };
      if (page.nextToken) return send();
      const repository = page.repositories?.find((r) => r.repositoryName === name);
      if (!repository) throw repositoryNotFound(name, page.repositories?.[0]?.registryId);
      return { ...out, output: { $metadata: page.$metadata, repositories: [repository] } };
    },
    () => send(),
  );
}

/**
 * Start the check run's read of the Auto Scaling groups tagged `tagKey` (the cluster's tag, no
 * instances) through `run` once `when` says to (false: it is not sent, e.g. on an Auto Mode cluster),
 * and tell the run at once: a read of groups by name (AutoScalingGroupNames, MaxRecords 100, no
 * instances: the stack's selection) that arrives first waits for it, and is answered from it when it
 * is complete (no NextToken) and holds every name asked; otherwise it goes to AWS (issue 21 review:
 * check's two DescribeAutoScalingGroups are one once the selected groups carry the cluster's tag).
 * Outside a run it only sends the read.
 *
 * @example
 * ```ts
 * const run = bindSharedReads(clients, 'read-only');
 * void startGroupTagListing(run, 'k8s.io/cluster-autoscaler/prod', Promise.resolve(true));
 * ```
 */
export function startGroupTagListing(
  run: AwsClients,
  tagKey: string,
  when: Promise<boolean>,
): Promise<unknown> {
  const input = {
    Filters: [{ Name: 'tag-key', Values: [tagKey] }],
    MaxRecords: 100,
    IncludeInstances: false,
  };
  const store = (boundStores.get(run) ?? storage.getStore())?.root;
  const id = scopes.get(run);
  let settle = (): void => undefined;
  if (store && id !== undefined) {
    const scope = `${id} autoScaling@${run.region}`;
    store.groupListings ??= new Map();
    if (!store.groupListings.has(scope)) {
      let resolve = (): void => undefined;
      const started = new Promise<void>((r) => {
        resolve = r;
      });
      const key = `${scope} DescribeAutoScalingGroups ${stableJson(input)}`;
      store.groupListings.set(scope, { key, started, settle: resolve });
      settle = resolve;
    }
  }
  const sent = when.then(
    (send) => (send ? sendRead(run, 'autoScaling', 'DescribeAutoScalingGroups', input) : undefined),
    () => undefined,
  );
  // Settled when the read reaches the memo; this covers a read that is never sent or never gets there.
  sent.then(settle, settle);
  return sent;
}

/** The names of a read of groups by name the tag listing may answer (names only, no instances), if so. */
function groupNamesAsked(input: unknown): string[] | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const { AutoScalingGroupNames, IncludeInstances, MaxRecords, ...rest } = input as Record<string, unknown>;
  if (Object.values(rest).some((v) => v !== undefined) || IncludeInstances !== false) return undefined;
  if (MaxRecords !== undefined && MaxRecords !== 100) return undefined;
  if (!Array.isArray(AutoScalingGroupNames) || AutoScalingGroupNames.length === 0) return undefined;
  return AutoScalingGroupNames.every((n) => typeof n === 'string') ? AutoScalingGroupNames : undefined;
}

/**
 * Groups by name, answered from the run's read of the cluster-tagged groups when it is complete and
 * holds every name (the groups in its order, as a read by name answers them); else `send` asks AWS.
 */
function answerFromGroupListing(
  memo: Map<string, Promise<MiddlewareOutput>>,
  key: string,
  names: readonly string[],
  send: () => Promise<MiddlewareOutput>,
): Promise<MiddlewareOutput> | undefined {
  const listing = memo.get(key);
  if (!listing) return undefined;
  return listing.then(
    (out) => {
      const page = out.output as {
        AutoScalingGroups?: Array<{ AutoScalingGroupName?: string }>;
        NextToken?: string;
        $metadata?: unknown;
      };
      if (page.NextToken) return send();
      const wanted = new Set(names);
      const groups = (page.AutoScalingGroups ?? []).filter(
        (g) => g.AutoScalingGroupName !== undefined && wanted.has(g.AutoScalingGroupName),
      );
      if (new Set(groups.map((g) => g.AutoScalingGroupName)).size !== wanted.size) return send();
      return { ...out, output: { $metadata: page.$metadata, AutoScalingGroups: groups } };
    },
    () => send(),
  );
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
      const store = runOfCall(context);
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
      const named = operation === 'DescribeRepositories' ? oneRepositoryName(input) : undefined;
      const listing = operation === 'DescribeRepositories' ? run.listings?.get(scope) : undefined;
      // A name read waits until the run's listing, once started, has reached the memo.
      if (named !== undefined && listing) await listing.started;
      const groupNames = operation === 'DescribeAutoScalingGroups' ? groupNamesAsked(input) : undefined;
      const groupListing =
        operation === 'DescribeAutoScalingGroups' ? run.groupListings?.get(scope) : undefined;
      if (groupNames && groupListing) await groupListing.started;
      let answer = memo.get(key);
      if (!answer) {
        const send = () => next({ ...args, input });
        // One listing of the registry answers every repository name of the run (issue 21); the
        // cluster-tagged groups answer the selected groups' names when they hold them all.
        const sent =
          (named !== undefined && answerFromListing(memo, scope, named, send)) ||
          (groupNames && groupListing && answerFromGroupListing(memo, groupListing.key, groupNames, send)) ||
          send();
        answer = sent;
        memo.set(key, sent);
        if (listing && key === listingKey(scope)) listing.settle();
        if (groupListing && key === groupListing.key) groupListing.settle();
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
 * inside {@link withSharedReads} (or a {@link sharedReadsRun}) share their reads; a set bound to a run
 * ({@link bindSharedReads}) stays in that run. `mode` is kept for compatibility: the run's own mode
 * decides.
 *
 * @example
 * ```ts
 * const run = shareReads(clients, 'read-only');
 * await withSharedReads('read-only', () => planStack(run, stack));
 * ```
 */
export function shareReads(clients: AwsClients, _mode?: SharedReadsMode): AwsClients {
  // A set bound to a run ({@link bindSharedReads}) stays in it.
  return equipSet(clients, scopeOf(clients), boundStores.get(clients));
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

function equipSet(clients: AwsClients, scope: number, bound?: RunStore): AwsClients {
  const equip =
    <C>(service: ServiceKey, get: (region?: string) => Promise<C>) =>
    async (region?: string): Promise<C> => {
      const got = await get(region);
      // A set made from a bound set hands out bound stand-ins: the middleware goes on the SDK client
      // (once), and a set bound to a run binds the SDK client itself (the latest binding decides).
      const client = (unboundClients.get(got as object) ?? got) as C & object;
      addSharedReadsMiddleware(client, service, `${scope} ${service}@${region ?? clients.region}`);
      return bound ? boundClient(client, bound) : got;
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
    // The Tagging API finds the orphan scan's tagged repositories and certificates (issue 21).
    ...(clients.tagging
      ? { tagging: equip('tagging', (r) => (clients.tagging as NonNullable<AwsClients['tagging']>)(r)) }
      : {}),
    withRegion: (region: string) => {
      const regional = clients.withRegion(region);
      return equipSet(regional, scopeOf(regional, scope), bound);
    },
    // Another account: other credentials, so another scope (the same read answers differently there).
    ...(clients.withCredentials
      ? {
          withCredentials: (credentials: Parameters<NonNullable<AwsClients['withCredentials']>>[0]) => {
            const other = (clients.withCredentials as NonNullable<AwsClients['withCredentials']>)(
              credentials,
            );
            return equipSet(other, scopeOf(other), bound);
          },
        }
      : {}),
    destroy: () => clients.destroy(),
  };
  scopes.set(set, scope);
  if (bound) boundStores.set(set, bound);
  return set;
}
