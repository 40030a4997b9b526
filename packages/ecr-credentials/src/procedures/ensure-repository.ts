/**
 * ensureRepository: converge an ECR repository (tag mutability, scan on push, encryption, lifecycle
 * policy, repository policy, tags) idempotently, with dry run.
 */
import {
  CreateRepositoryCommand,
  DeleteLifecyclePolicyCommand,
  DeleteRepositoryPolicyCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
  GetLifecyclePolicyCommand,
  GetRepositoryPolicyCommand,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  type Repository,
  SetRepositoryPolicyCommand,
  TagResourceCommand,
} from '@aws-sdk/client-ecr';
import {
  type AwsClients,
  adoptChange,
  applyPlan,
  type Deadline,
  deadlineOf,
  decideOwnership,
  describeAccount,
  EksKitError,
  type EnsureOptions,
  type EnsureResult,
  isNotFoundError,
  type PlannedChange,
  sortedJson,
  validateRegion,
  wrapAwsError,
} from '@eks-kit/core';
import { diffCurrentPolicy, policyJson, validatePolicy } from '@eks-kit/iam-policies';
import type { LifecyclePolicy } from '../builders/lifecycle.js';
import { registryHostFor } from '../builders/registry-host.js';
import { type RegistryScanningRef, scanningDecision } from '../builders/registry-scanning.js';
import { repositoryArn } from '../builders/repository-ref.js';
import {
  type NormalisedRepositorySpec,
  normaliseRepositorySpec,
  type RepositorySpec,
  STACK_TAG,
} from '../builders/repository-spec.js';

/** Input of {@link ensureRepository}: the spec, and the region (default: the clients' region). */
export type EnsureRepositoryInput = RepositorySpec & {
  region?: string;
  /**
   * The registry's scanning configuration ({@link readRegistryScanning}). Where its rules decide
   * scanning for this repository, the deprecated repository-level scanOnPush is neither set nor
   * compared (plan does not fight the registry). Absent: scanOnPush is converged as given.
   */
  registryScanning?: RegistryScanningRef;
};

/** What {@link ensureRepository} returns. */
export interface EnsureRepositoryResult extends EnsureResult {
  /** Repository ARN (in dry run for a repository that does not exist yet: where it will be). */
  arn: string | undefined;
  /** `<registry host>/<name>`, the image name to push to. */
  uri: string | undefined;
  /** True when this run created the repository (or, in dry run, would). */
  created: boolean;
}

function lifecycleKey(policy: LifecyclePolicy | { rules?: Array<{ rulePriority?: number }> }): string {
  const rules = [...(policy.rules ?? [])].sort((a, b) => (a.rulePriority ?? 0) - (b.rulePriority ?? 0));
  return sortedJson({ rules });
}

function describeSettings(spec: NormalisedRepositorySpec): string {
  const parts = [
    spec.tagMutability ?? 'MUTABLE',
    spec.scanOnPush ? 'scan on push' : undefined,
    spec.encryption ? spec.encryption.type : undefined,
  ].filter(Boolean);
  return parts.join(', ');
}

async function readRepository(ecr: ECRClient, name: string): Promise<Repository | undefined> {
  try {
    const out = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    return out.repositories?.[0];
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw wrapAwsError(error, 'ecr:DescribeRepositories', name);
  }
}

async function readOptional<T>(
  call: () => Promise<T>,
  operation: string,
  name: string,
): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw wrapAwsError(error, operation, name);
  }
}

/** Where a repository's steps write: its client, name and the change resource. */
interface RepoTarget {
  ecr: ECRClient;
  spec: NormalisedRepositorySpec;
  resource: string;
}

/** CreateRepository lost a race (another process created the repository): converge that one. */
class CreatedMeanwhile extends EksKitError {}

/**
 * Create the repository if missing, then converge it: tag mutability (and exclusion filters), scan
 * on push, lifecycle policy (compared rule by rule), repository policy (compared semantically), and
 * tags (only those named; others are left alone). Encryption cannot change after creation: a
 * different setting on an existing repository is an error, raised before any change is made.
 * Input is validated before the first AWS call; with `dryRun` nothing that mutates is called; a
 * second run makes no mutating call.
 *
 * Ownership (with `stack`, core's `decideOwnership`, checked before any other read's outcome and
 * before any write): a repository tagged `eks-kit:stack` for another stack is refused
 * (`OwnedByAnotherStack`, naming both stacks, dry run too); one without the tag (made by hand) is
 * refused (`NotOwnedByStack`) unless `options.adopt` is set, when it is tagged for the stack first
 * (a dry run shows the `adopt:` change).
 *
 * @example
 * ```ts
 * const { changes, uri } = await ensureRepository(clients, {
 *   name: 'team/app',
 *   tagMutability: 'IMMUTABLE',
 *   scanOnPush: true,
 *   lifecyclePolicy: [expireUntaggedAfterDays(14), keepLastTaggedImages(50)],
 *   stack: 'prod',
 * });
 * console.log(renderChanges(changes), uri);
 * ```
 */
export async function ensureRepository(
  clients: AwsClients,
  input: EnsureRepositoryInput,
  options: EnsureOptions = {},
): Promise<EnsureRepositoryResult> {
  const deadline = deadlineOf(options);
  try {
    return await convergeRepository(clients, input, { ...options, deadline }, false);
  } catch (error) {
    if (!(error instanceof CreatedMeanwhile)) throw error;
    // Created by someone else meanwhile: converge that repository instead (once).
    return convergeRepository(clients, input, { ...options, deadline }, true);
  }
}

async function convergeRepository(
  clients: AwsClients,
  input: EnsureRepositoryInput,
  options: EnsureOptions & { deadline: Deadline },
  retried: boolean,
): Promise<EnsureRepositoryResult> {
  const spec = normaliseRepositorySpec(input);
  // The registry's rules decide scanning: leave the deprecated repository setting alone (issue 17).
  if (input.registryScanning && scanningDecision(spec.name, input.registryScanning).decidedBy === 'registry')
    delete spec.scanOnPush;
  const region = input.region === undefined ? clients.region : validateRegion(input.region, 'region');
  if (spec.policy) await validatePolicy(spec.policy, { kind: 'resource', field: 'policy' });
  const ecr = await clients.ecr(region);
  const target: RepoTarget = { ecr, spec, resource: `ecr repository ${spec.name}` };
  const current = await readRepository(ecr, spec.name);
  const made: { repository?: Repository | undefined } = {};
  const steps = current ? await planExisting(target, current, options) : planCreate(target, made, retried);
  const { changes } = await applyPlan(steps, options);
  const repository = current ?? made.repository;
  if (!repository && options.dryRun) {
    // Not created yet: compute where it will be (one STS read).
    const { accountId } = await describeAccount(clients);
    return {
      changes,
      arn: repositoryArn({ accountId, region, name: spec.name }),
      uri: `${registryHostFor(accountId, region)}/${spec.name}`,
      created: true,
    };
  }
  return { changes, arn: repository?.repositoryArn, uri: repository?.repositoryUri, created: !current };
}

/** The mutability filters of a spec, as ECR takes them. */
function exclusionFilters(spec: NormalisedRepositorySpec): {
  imageTagMutabilityExclusionFilters?: Array<{ filterType: 'WILDCARD'; filter: string }>;
} {
  return spec.tagMutabilityExclusions
    ? {
        imageTagMutabilityExclusionFilters: spec.tagMutabilityExclusions.map((filter) => ({
          filterType: 'WILDCARD' as const,
          filter,
        })),
      }
    : {};
}

/** A new repository: CreateRepository with its settings and tags, then its lifecycle and repository policies. */
function planCreate(
  target: RepoTarget,
  made: { repository?: Repository | undefined },
  retried: boolean,
): PlannedChange[] {
  const { ecr, spec, resource } = target;
  const tags = Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value }));
  const create = async (): Promise<unknown> => {
    try {
      const out = await ecr.send(
        new CreateRepositoryCommand({
          repositoryName: spec.name,
          ...(spec.tagMutability ? { imageTagMutability: spec.tagMutability } : {}),
          ...exclusionFilters(spec),
          ...(spec.scanOnPush !== undefined
            ? { imageScanningConfiguration: { scanOnPush: spec.scanOnPush } }
            : {}),
          ...(spec.encryption
            ? {
                encryptionConfiguration: {
                  encryptionType: spec.encryption.type,
                  ...(spec.encryption.kmsKey ? { kmsKey: spec.encryption.kmsKey } : {}),
                },
              }
            : {}),
          ...(tags.length ? { tags } : {}),
        }),
      );
      made.repository = out.repository;
      return out;
    } catch (error) {
      if (!retried && /RepositoryAlreadyExists/.test(String((error as Error)?.name)))
        throw new CreatedMeanwhile('RepositoryAlreadyExists', `${resource} was created meanwhile`);
      throw error;
    }
  };
  const steps: PlannedChange[] = [
    {
      change: {
        action: 'create',
        resource,
        summary: `create repository ${spec.name} (${describeSettings(spec)})`,
        after: {
          tagMutability: spec.tagMutability ?? 'MUTABLE',
          scanOnPush: spec.scanOnPush ?? false,
          encryption: spec.encryption?.type ?? 'AES256',
          tags: spec.tags,
        },
      },
      operation: 'ecr:CreateRepository',
      target: spec.name,
      apply: create,
    },
  ];
  if (spec.lifecyclePolicy) steps.push(putLifecycle(target, JSON.stringify(spec.lifecyclePolicy), 'set'));
  if (spec.policy) steps.push(setPolicy(target, policyJson(spec.policy), 'set'));
  return steps;
}

/**
 * An existing repository: the ownership rule first (core: another stack's repository is never
 * changed; one made by hand only when adopted, a dry run shows the adoption), encryption refused
 * before any write, then each setting that differs.
 */
async function planExisting(
  target: RepoTarget,
  current: Repository,
  options: EnsureOptions,
): Promise<PlannedChange[]> {
  const { ecr, spec, resource } = target;
  const arn = current.repositoryArn ?? '';
  let tagsRead: Map<string, string> | undefined;
  const tagsOf = async (): Promise<Map<string, string>> => {
    if (tagsRead) return tagsRead;
    const listed = await ecr
      .send(new ListTagsForResourceCommand({ resourceArn: arn }))
      .catch((error: unknown) => {
        throw wrapAwsError(error, 'ecr:ListTagsForResource', arn);
      });
    tagsRead = new Map((listed.tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    return tagsRead;
  };
  const wanted = spec.tags[STACK_TAG];
  const adopting =
    wanted !== undefined &&
    decideOwnership({
      resource,
      tags: Object.fromEntries(await tagsOf()),
      stack: wanted,
      adopt: options.adopt,
      dryRun: options.dryRun,
      retag: `aws ecr tag-resource --resource-arn ${arn} --tags Key=${STACK_TAG},Value=${wanted}`,
    }).adopting;
  const steps: PlannedChange[] = [];
  if (adopting && wanted !== undefined)
    steps.push({
      change: adoptChange(resource, wanted, options.adopt),
      operation: 'ecr:TagResource',
      target: spec.name,
      apply: () =>
        ecr.send(new TagResourceCommand({ resourceArn: arn, tags: [{ Key: STACK_TAG, Value: wanted }] })),
    });
  refuseEncryptionChange(spec, current, resource);
  steps.push(...planMutability(target, current), ...planScan(target, current));
  steps.push(...(await planLifecycle(target)), ...(await planRepositoryPolicy(target)));
  if (Object.keys(spec.tags).length > 0) steps.push(...planTags(target, arn, await tagsOf(), adopting));
  return steps;
}

/** Encryption is fixed at creation: refuse before changing anything else. */
function refuseEncryptionChange(spec: NormalisedRepositorySpec, current: Repository, resource: string): void {
  const enc = current.encryptionConfiguration;
  if (
    !spec.encryption ||
    (enc?.encryptionType === spec.encryption.type &&
      (spec.encryption.kmsKey === undefined || enc?.kmsKey === spec.encryption.kmsKey))
  )
    return;
  throw new EksKitError(
    'ImmutableSetting',
    `${resource}: encryption is ${enc?.encryptionType ?? 'unknown'}${enc?.kmsKey ? ` (${enc.kmsKey})` : ''}, the stack asks for ${spec.encryption.type}${spec.encryption.kmsKey ? ` (${spec.encryption.kmsKey})` : ''}; ECR cannot change a repository's encryption`,
    { hint: 'drop the encryption setting, or create a new repository and move the images' },
  );
}

function planMutability({ ecr, spec, resource }: RepoTarget, current: Repository): PlannedChange[] {
  const currentExclusions = (current.imageTagMutabilityExclusionFilters ?? [])
    .map((f) => f.filter ?? '')
    .sort();
  if (
    !spec.tagMutability ||
    (current.imageTagMutability === spec.tagMutability &&
      sortedJson(currentExclusions) === sortedJson(spec.tagMutabilityExclusions ?? []))
  )
    return [];
  return [
    {
      change: {
        action: 'update',
        resource,
        summary: `tag mutability: ${current.imageTagMutability} -> ${spec.tagMutability}${spec.tagMutabilityExclusions ? ` (except ${spec.tagMutabilityExclusions.join(', ')})` : ''}`,
        before: { tagMutability: current.imageTagMutability, exclusions: currentExclusions },
        after: { tagMutability: spec.tagMutability, exclusions: spec.tagMutabilityExclusions ?? [] },
      },
      operation: 'ecr:PutImageTagMutability',
      target: spec.name,
      apply: () =>
        ecr.send(
          new PutImageTagMutabilityCommand({
            repositoryName: spec.name,
            imageTagMutability: spec.tagMutability,
            ...exclusionFilters(spec),
          }),
        ),
    },
  ];
}

function planScan({ ecr, spec, resource }: RepoTarget, current: Repository): PlannedChange[] {
  const scan = current.imageScanningConfiguration?.scanOnPush ?? false;
  if (spec.scanOnPush === undefined || scan === spec.scanOnPush) return [];
  return [
    {
      change: {
        action: 'update',
        resource,
        summary: `scan on push: ${scan} -> ${spec.scanOnPush}`,
        before: { scanOnPush: scan },
        after: { scanOnPush: spec.scanOnPush },
      },
      operation: 'ecr:PutImageScanningConfiguration',
      target: spec.name,
      apply: () =>
        ecr.send(
          new PutImageScanningConfigurationCommand({
            repositoryName: spec.name,
            imageScanningConfiguration: { scanOnPush: spec.scanOnPush },
          }),
        ),
    },
  ];
}

/** The lifecycle policy, compared rule by rule (null: remove it). */
async function planLifecycle(target: RepoTarget): Promise<PlannedChange[]> {
  const { ecr, spec, resource } = target;
  if (spec.lifecyclePolicy === undefined) return [];
  const got = await readOptional(
    () => ecr.send(new GetLifecyclePolicyCommand({ repositoryName: spec.name })),
    'ecr:GetLifecyclePolicy',
    spec.name,
  );
  const currentText = got?.lifecyclePolicyText;
  if (spec.lifecyclePolicy === null) {
    if (currentText === undefined) return [];
    return [
      {
        change: { action: 'delete', resource, summary: 'lifecycle policy: remove' },
        operation: 'ecr:DeleteLifecyclePolicy',
        target: spec.name,
        apply: () => ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: spec.name })),
      },
    ];
  }
  if (currentText !== undefined && sameLifecycle(currentText, spec.lifecyclePolicy)) return [];
  return [
    putLifecycle(target, JSON.stringify(spec.lifecyclePolicy), currentText === undefined ? 'set' : 'replace'),
  ];
}

/** The repository policy, compared semantically (null: remove it). */
async function planRepositoryPolicy(target: RepoTarget): Promise<PlannedChange[]> {
  const { ecr, spec, resource } = target;
  if (spec.policy === undefined) return [];
  const got = await readOptional(
    () => ecr.send(new GetRepositoryPolicyCommand({ repositoryName: spec.name })),
    'ecr:GetRepositoryPolicy',
    spec.name,
  );
  const currentPolicy = got?.policyText;
  if (spec.policy === null) {
    if (currentPolicy === undefined) return [];
    return [
      {
        change: { action: 'delete', resource, summary: 'repository policy: remove' },
        operation: 'ecr:DeleteRepositoryPolicy',
        target: spec.name,
        apply: () => ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: spec.name })),
      },
    ];
  }
  const text = policyJson(spec.policy);
  if (currentPolicy === undefined) return [setPolicy(target, text, 'set')];
  const diff = diffCurrentPolicy(currentPolicy, spec.policy);
  return diff.equal ? [] : [setPolicy(target, text, diff.summary)];
}

/** The tags the spec names that differ (others are left alone; an adopted stack tag is already planned). */
function planTags(
  { ecr, spec, resource }: RepoTarget,
  arn: string,
  have: Map<string, string>,
  adopting: boolean,
): PlannedChange[] {
  const missing = Object.entries(spec.tags).filter(
    ([k, v]) => have.get(k) !== v && !(adopting && k === STACK_TAG),
  );
  if (missing.length === 0) return [];
  return [
    {
      change: {
        action: 'tag',
        resource,
        summary: `tags: ${missing.map(([k, v]) => (have.has(k) ? `~${k}=${have.get(k)} -> ${v}` : `+${k}=${v}`)).join(', ')}`,
        before: Object.fromEntries(missing.filter(([k]) => have.has(k)).map(([k]) => [k, have.get(k)])),
        after: Object.fromEntries(missing),
      },
      operation: 'ecr:TagResource',
      target: spec.name,
      apply: () =>
        ecr.send(
          new TagResourceCommand({ resourceArn: arn, tags: missing.map(([Key, Value]) => ({ Key, Value })) }),
        ),
    },
  ];
}

function sameLifecycle(currentText: string, desired: LifecyclePolicy): boolean {
  try {
    return lifecycleKey(JSON.parse(currentText) as LifecyclePolicy) === lifecycleKey(desired);
  } catch {
    return false;
  }
}

function putLifecycle(
  { ecr, spec, resource }: RepoTarget,
  text: string,
  how: 'set' | 'replace',
): PlannedChange {
  const rules = spec.lifecyclePolicy?.rules ?? [];
  return {
    change: {
      action: 'update',
      resource,
      summary: `lifecycle policy: ${how} (${rules.map((r) => r.description ?? `rule ${r.rulePriority}`).join('; ')})`,
      after: spec.lifecyclePolicy,
    },
    operation: 'ecr:PutLifecyclePolicy',
    target: spec.name,
    apply: () =>
      ecr.send(new PutLifecyclePolicyCommand({ repositoryName: spec.name, lifecyclePolicyText: text })),
  };
}

function setPolicy({ ecr, spec, resource }: RepoTarget, text: string, how: string): PlannedChange {
  return {
    change: { action: 'update', resource, summary: `repository policy: ${how}`, after: spec.policy },
    operation: 'ecr:SetRepositoryPolicy',
    target: spec.name,
    apply: () => ecr.send(new SetRepositoryPolicyCommand({ repositoryName: spec.name, policyText: text })),
  };
}
