/**
 * Every `ensure*` under test, each with a small world it runs in. A target's `run` is one
 * invocation as a user would make it; `setup` (optional) puts the world in the state the run starts
 * from (after every emulator reset).
 */
import { readFileSync } from 'node:fs';
import { ensureCertificate } from '@eks-kit/acm-dns-validation';
import { ensureAutoDiscoveryTags, ensureClusterAutoscalerRole } from '@eks-kit/asg-discovery';
import type { World } from '@eks-kit/aws-emulator';
import type { AwsClients, EnsureOptions } from '@eks-kit/core';
import {
  ensureRepository,
  ensureRunnerRole,
  expireUntaggedAfterDays,
  keepLastTaggedImages,
} from '@eks-kit/ecr-credentials';
import {
  ensureManagedPolicy,
  ensureRole,
  kube2iamTrustPolicy,
  policyDocument,
  statement,
} from '@eks-kit/iam-policies';
import { applyStack, destroyStack, parseStack, planDestroy, planStack, type Stack } from '@eks-kit/stack';
import { ACCOUNT_ID, REGION } from './emulator.js';

/** One ensure* in its world. */
export interface EnsureTarget {
  /** `package: function (variant)`. */
  name: string;
  world: World;
  /** Behaviour knobs every run of this target uses. */
  behaviour?: Record<string, unknown>;
  /** True when the run makes IAM check a role principal (the propagation fault applies). */
  usesRolePrincipal: boolean;
  /** Bring a reset world to where the run starts (plain clients, before the call log is cleared). */
  setup?: (clients: AwsClients) => Promise<void>;
  run: (clients: AwsClients, options: EnsureOptions) => Promise<unknown>;
}

/** The progress and cancellation options a target passes on to a stack procedure. */
function progressAndSignal(options: EnsureOptions): Pick<EnsureOptions, 'onEvent' | 'signal'> {
  return {
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/** applyStack for a run, planStack for its dry run (applyStack has none: `eks-kit plan` is its dry run). */
function applyOrPlan(stack: Stack, extra: { prune?: boolean } = {}): EnsureTarget['run'] {
  return (clients, options) =>
    options.dryRun
      ? planStack(clients, stack, { ...extra, ...progressAndSignal(options) })
      : applyStack(clients, stack, { yes: true, wait: false, ...extra, ...progressAndSignal(options) });
}

export const ISSUER = 'https://oidc.eks.ap-northeast-1.amazonaws.com/id/RE11AB1E0000000000000000000000AA';
const NODE_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/rel-node`;

/** Small world shared by the library targets: one cluster, its OIDC provider, a node role, groups, a zone. */
export function baseWorld(groupCount = 2): World {
  return {
    accountId: ACCOUNT_ID,
    region: REGION,
    eks: { clusters: [{ name: 'rel', version: '1.35', oidcIssuer: ISSUER }] },
    iam: {
      roles: [
        {
          name: 'rel-node',
          assumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          },
        },
      ],
      oidcProviders: [ISSUER],
    },
    ec2: { launchTemplates: [{ name: 'rel-workers', instanceType: 'm5.large' }] },
    autoscaling: {
      groups: Array.from({ length: groupCount }, (_, i) => ({
        name: `rel-workers-${String(i).padStart(2, '0')}`,
        minSize: 0,
        maxSize: 4,
        desiredCapacity: 1,
        launchTemplate: { name: 'rel-workers' },
        tags: {
          'eks:cluster-name': 'rel',
          ...(i === 0 ? { 'k8s.io/cluster-autoscaler/enabled': '1' } : {}),
        },
      })),
    },
    route53: { hostedZones: [{ name: 'rel.example.com', private: false, records: [] }] },
    acm: { certificates: [] },
    ecr: { repositories: [] },
  };
}

const fastPropagation = { propagation: { initialDelayMs: 20, maxDelayMs: 200, timeoutMs: 60_000 } };

const appPolicy = (actions: string[]) =>
  policyDocument([statement({ actions, resources: `arn:aws:s3:::rel-bucket/*` })], { kind: 'identity' });

const SEED_DIR = new URL('../../../../examples/seed/', import.meta.url);

/**
 * The cross-account example (examples/cross-account): its stack, and its world with the fault
 * matrix's caller in the workload account (the DNS role trusts that account).
 *
 * @example
 * ```ts
 * const { stack, world } = crossAccountStack();
 * ```
 */
export function crossAccountStack(): { stack: ReturnType<typeof parseStack>; world: World } {
  const dir = new URL('../../../../examples/cross-account/', import.meta.url);
  const world = JSON.parse(readFileSync(new URL('world.json', dir), 'utf8')) as World;
  return {
    stack: parseStack(
      readFileSync(new URL('eks-kit.yaml', dir), 'utf8'),
      'examples/cross-account/eks-kit.yaml',
    ),
    world,
  };
}

/** The seed stack (examples/seed/eks-kit.yaml) and its world. */
export function seedStack(): { world: World; stackText: string } {
  return {
    world: JSON.parse(readFileSync(new URL('world.json', SEED_DIR), 'utf8')) as World,
    stackText: readFileSync(new URL('eks-kit.yaml', SEED_DIR), 'utf8'),
  };
}

/** Every ensure* of the libraries and the stack's applyStack. */
export function ensureTargets(): EnsureTarget[] {
  const seed = seedStack();
  const crossAccount = crossAccountStack();
  const stack = parseStack(seed.stackText, 'examples/seed/eks-kit.yaml');
  return [
    {
      name: 'iam-policies: ensureRole (kube2iam trust, inline + managed policy, tags)',
      world: baseWorld(),
      usesRolePrincipal: true,
      run: (clients, options) =>
        ensureRole(
          clients,
          {
            name: 'rel-app',
            trust: kube2iamTrustPolicy({ nodeRoleArns: [NODE_ROLE_ARN] }),
            description: 'reliability suite app role',
            inlinePolicies: { 'app-read': appPolicy(['s3:GetObject']) },
            managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
            tags: { team: 'platform' },
            stack: 'rel',
          },
          { ...options, ...fastPropagation },
        ),
    },
    {
      name: 'iam-policies: ensureManagedPolicy (6th version over 5, tags)',
      world: baseWorld(),
      usesRolePrincipal: false,
      setup: async (clients) => {
        for (const action of [
          's3:GetObject',
          's3:PutObject',
          's3:DeleteObject',
          's3:GetObjectTagging',
          's3:PutObjectTagging',
        ])
          await ensureManagedPolicy(clients, {
            name: 'rel-policy',
            document: appPolicy([action]),
            stack: 'rel',
          });
      },
      run: (clients, options) =>
        ensureManagedPolicy(
          clients,
          {
            name: 'rel-policy',
            document: appPolicy(['s3:GetObject', 's3:GetObjectVersion']),
            tags: { team: 'platform' },
            stack: 'rel',
          },
          options,
        ),
    },
    {
      name: 'asg-discovery: ensureAutoDiscoveryTags (20 groups, 2 tag batches)',
      world: baseWorld(20),
      usesRolePrincipal: false,
      run: (clients, options) =>
        ensureAutoDiscoveryTags(
          clients,
          { cluster: 'rel', select: { namePrefix: 'rel-workers-' }, stack: 'rel' },
          // the groups were made by hand (issue 14): taken over explicitly
          { ...options, adopt: true },
        ),
    },
    {
      name: 'asg-discovery: ensureClusterAutoscalerRole (EKS Pod Identity: role + association)',
      world: baseWorld(),
      usesRolePrincipal: false,
      run: (clients, options) =>
        ensureClusterAutoscalerRole(
          clients,
          { cluster: 'rel', identity: 'pod-identity', stack: 'rel' },
          options,
        ),
    },
    {
      name: 'asg-discovery: ensureClusterAutoscalerRole (kube2iam: node role as principal)',
      world: baseWorld(),
      usesRolePrincipal: true,
      run: (clients, options) =>
        ensureClusterAutoscalerRole(
          clients,
          {
            cluster: 'rel',
            identity: { kube2iam: { nodeRoleArns: [NODE_ROLE_ARN] } },
            roleName: 'rel-ca-kube2iam',
            stack: 'rel',
          },
          { ...options, ...fastPropagation } as EnsureOptions,
        ),
    },
    {
      name: 'acm-dns-validation: ensureCertificate (wildcard + apex, validation CNAME)',
      world: baseWorld(),
      behaviour: { acmRecordDelaySeconds: 2 },
      usesRolePrincipal: false,
      run: (clients, options) =>
        ensureCertificate(
          clients,
          {
            domainName: '*.rel.example.com',
            subjectAlternativeNames: ['rel.example.com'],
            stack: 'rel',
            recordsSchedule: { initialDelayMs: 5, maxDelayMs: 20, jitter: 0 },
          },
          options,
        ),
    },
    {
      name: 'acm-dns-validation: ensureCertificate with wait (EC P-256, until ISSUED)',
      world: baseWorld(),
      behaviour: { acmRecordDelaySeconds: 2, acmValidationSeconds: 20 },
      usesRolePrincipal: false,
      run: async (clients, options) => {
        const result = await ensureCertificate(
          clients,
          {
            domainName: 'api.rel.example.com',
            keyAlgorithm: 'EC_prime256v1',
            stack: 'rel',
            recordsSchedule: { initialDelayMs: 5, maxDelayMs: 20, jitter: 0 },
            wait: { timeout: 60_000, schedule: { initialDelayMs: 5, maxDelayMs: 50, jitter: 0 } },
          },
          options,
        );
        if (!options.dryRun && result.status !== 'ISSUED')
          throw new Error(`certificate ${result.status}, not ISSUED`);
        return result;
      },
    },
    {
      name: 'ecr-credentials: ensureRepository (immutable, scan, lifecycle, policy, tags)',
      world: baseWorld(),
      usesRolePrincipal: false,
      run: (clients, options) =>
        ensureRepository(
          clients,
          {
            name: 'rel/app',
            tagMutability: 'IMMUTABLE',
            scanOnPush: true,
            lifecyclePolicy: [expireUntaggedAfterDays(14), keepLastTaggedImages(30)],
            policy: policyDocument(
              [
                statement({
                  sid: 'PullFromAccount',
                  principals: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
                  actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
                }),
              ],
              { kind: 'resource' },
            ),
            tags: { team: 'platform' },
            stack: 'rel',
          },
          options,
        ),
    },
    {
      name: 'ecr-credentials: ensureRunnerRole (IRSA from the cluster, push + cache)',
      world: baseWorld(),
      usesRolePrincipal: false,
      run: (clients, options) =>
        ensureRunnerRole(
          clients,
          {
            cluster: 'rel',
            namespace: 'gitlab-runner',
            serviceAccount: 'build',
            repositories: ['rel/app'],
            roleName: 'rel-gitlab-runner-build',
            stack: 'rel',
          },
          options,
        ),
    },
    ...ownershipTargets(),
    {
      name: 'stack: applyStack (examples/seed)',
      world: seed.world,
      behaviour: { acmRecordDelaySeconds: 0 },
      usesRolePrincipal: false,
      run: applyOrPlan(stack),
    },
    {
      // The zone in another account (issue 18): ACM here, Route 53 through the DNS account's role.
      name: 'stack: applyStack (examples/cross-account)',
      world: crossAccount.world,
      behaviour: { acmRecordDelaySeconds: 0 },
      usesRolePrincipal: false,
      run: applyOrPlan(crossAccount.stack),
    },
  ];
}

/** A second stack in the seed's account: its own repository and build role, none of the seed's. */
export const TEAM_B_STACK = `name: team-b
cluster:
  name: seed
  region: ap-northeast-1
  kubernetesVersion: "1.35"
repositories:
  - name: team-b/app
    cache: true
gitlab:
  runner:
    namespace: team-b
    serviceAccount: build
    roleName: team-b-build
  repository: team-b/app
`;

/** A world with resources that belong to another stack, and a role made by hand. */
function ownershipWorld(): World {
  const world = baseWorld(4) as World & {
    autoscaling: { groups: Array<{ tags: Record<string, string> }> };
    iam: { roles: Array<Record<string, unknown>> };
  };
  // rel-workers-03 belongs to stack other (its discovery tags too); rel/other is other's repository
  Object.assign(world.autoscaling.groups[3]!.tags, {
    'eks-kit:stack': 'other',
    'k8s.io/cluster-autoscaler/enabled': 'true',
    'k8s.io/cluster-autoscaler/rel': 'owned',
  });
  world.iam.roles.push({
    name: 'rel-handmade',
    assumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
    inlinePolicies: {
      'by-hand': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] },
    },
    attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
  });
  (world as { ecr: { repositories: unknown[] } }).ecr.repositories = [
    {
      name: 'rel/other',
      tags: { 'eks-kit:stack': 'other' },
      policy: { Version: '2012-10-17', Statement: [] },
    },
  ];
  return world;
}

/**
 * Issue 14's ownership cases, as targets of the fault matrix and the concurrency test: two stacks in
 * one account, a role made by hand (adopted, its hand-made policies removed), and the stack's own
 * groups and repository beside a group and a repository another stack owns. The matrix compares every
 * faulted run's end state with the clean run's, so a foreign resource touched by any run fails it.
 */
export function ownershipTargets(): EnsureTarget[] {
  const seed = seedStack();
  const seedParsed = parseStack(seed.stackText, 'examples/seed/eks-kit.yaml');
  const teamB = parseStack(TEAM_B_STACK, 'team-b.yaml');
  const handmadeTrust = {
    Version: '2012-10-17' as const,
    Statement: [
      { Effect: 'Allow' as const, Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  };
  return [
    {
      name: 'ownership: two stacks in one account (team-b applied beside the seed)',
      world: seed.world,
      behaviour: { acmRecordDelaySeconds: 0 },
      usesRolePrincipal: false,
      setup: async (clients) => {
        await applyStack(clients, seedParsed, { yes: true, wait: false });
      },
      run: applyOrPlan(teamB),
    },
    {
      name: 'ownership: a role made by hand, adopted (hand-made policies detached and deleted)',
      world: ownershipWorld(),
      usesRolePrincipal: false,
      run: (clients, options) =>
        ensureRole(
          clients,
          { name: 'rel-handmade', trust: handmadeTrust as never, description: 'taken over', stack: 'rel' },
          { ...options, adopt: true, ...fastPropagation },
        ),
    },
    {
      name: 'ownership: own groups and repository beside a foreign-tagged group and repository',
      world: ownershipWorld(),
      usesRolePrincipal: false,
      run: async (clients, options) => {
        const tags = await ensureAutoDiscoveryTags(
          clients,
          {
            cluster: 'rel',
            select: { names: ['rel-workers-00', 'rel-workers-01', 'rel-workers-02'] },
            stack: 'rel',
          },
          { ...options, adopt: true },
        );
        const repo = await ensureRepository(
          clients,
          { name: 'rel/app', scanOnPush: true, stack: 'rel' },
          options,
        );
        return { changes: [...tags.changes, ...repo.changes] };
      },
    },
  ];
}

/**
 * The target whose name starts with `prefix` (exactly one must).
 *
 * @example
 * ```ts
 * const target = targetNamed('iam-policies: ensureRole');
 * ```
 */
export function targetNamed(prefix: string): EnsureTarget {
  const found = ensureTargets().filter((t) => t.name.startsWith(prefix));
  if (found.length !== 1 || !found[0]) throw new Error(`${found.length} ensure targets named ${prefix}`);
  return found[0];
}

/**
 * Issue 16: the stack's deletions as matrix targets (kept apart from {@link ensureTargets}, whose
 * list the concurrent-runs suite walks). Each starts from the applied seed stack. `destroyStack`'s
 * dry run is `planDestroy`; `applyStack --prune` on the seed without its GitLab section and
 * repositories deletes those orphans, and its dry run is `planStack` with `prune` too.
 */
export function deletionTargets(): EnsureTarget[] {
  const seed = seedStack();
  const stack = parseStack(seed.stackText, 'examples/seed/eks-kit.yaml');
  const smaller = { ...stack, gitlab: undefined, repositories: [] };
  const setup = async (clients: AwsClients): Promise<void> => {
    await applyStack(clients, stack, { yes: true, wait: true });
  };
  return [
    {
      name: 'stack: destroyStack (examples/seed)',
      world: seed.world,
      behaviour: { acmRecordDelaySeconds: 0 },
      usesRolePrincipal: false,
      setup,
      run: (clients, options) =>
        options.dryRun
          ? planDestroy(clients, stack, progressAndSignal(options))
          : destroyStack(clients, stack, { yes: true, ...progressAndSignal(options) }),
    },
    {
      name: 'stack: applyStack --prune (examples/seed without gitlab and repositories)',
      world: seed.world,
      behaviour: { acmRecordDelaySeconds: 0 },
      usesRolePrincipal: false,
      setup,
      run: applyOrPlan(smaller, { prune: true }),
    },
  ];
}

/**
 * The deletion target whose name starts with `prefix`.
 *
 * @example
 * ```ts
 * await defineFaultMatrix(deletionTargetNamed('stack: destroyStack'));
 * ```
 */
export function deletionTargetNamed(prefix: string): EnsureTarget {
  const found = deletionTargets().filter((t) => t.name.startsWith(prefix));
  if (found.length !== 1 || !found[0]) throw new Error(`${found.length} deletion targets named ${prefix}`);
  return found[0];
}
