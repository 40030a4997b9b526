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
  type Change,
  decideOwnership,
  describeAccount,
  EksKitError,
  type EnsureOptions,
  type EnsureResult,
  isNotFoundError,
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

/** A change together with the call that applies it. */
interface Step {
  change: Change;
  apply: (ecr: ECRClient) => Promise<unknown>;
  operation: string;
}

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
export function ensureRepository(
  clients: AwsClients,
  input: EnsureRepositoryInput,
  options: EnsureOptions = {},
): Promise<EnsureRepositoryResult> {
  return converge(clients, input, options, false);
}

async function converge(
  clients: AwsClients,
  input: EnsureRepositoryInput,
  options: EnsureOptions,
  retried: boolean,
): Promise<EnsureRepositoryResult> {
  const spec = normaliseRepositorySpec(input);
  // The registry's rules decide scanning: leave the deprecated repository setting alone (issue 17).
  if (input.registryScanning && scanningDecision(spec.name, input.registryScanning).decidedBy === 'registry')
    delete spec.scanOnPush;
  const region = input.region === undefined ? clients.region : validateRegion(input.region, 'region');
  if (spec.policy) await validatePolicy(spec.policy, { kind: 'resource', field: 'policy' });
  const ecr = await clients.ecr(region);
  const resource = `ecr repository ${spec.name}`;
  const current = await readRepository(ecr, spec.name);
  const steps: Step[] = [];
  const lifecycleText = spec.lifecyclePolicy ? JSON.stringify(spec.lifecyclePolicy) : undefined;
  const policyText = spec.policy ? policyJson(spec.policy) : undefined;

  if (!current) {
    const tags = Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value }));
    steps.push({
      operation: 'ecr:CreateRepository',
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
      apply: (c) =>
        c.send(
          new CreateRepositoryCommand({
            repositoryName: spec.name,
            ...(spec.tagMutability ? { imageTagMutability: spec.tagMutability } : {}),
            ...(spec.tagMutabilityExclusions
              ? {
                  imageTagMutabilityExclusionFilters: spec.tagMutabilityExclusions.map((filter) => ({
                    filterType: 'WILDCARD' as const,
                    filter,
                  })),
                }
              : {}),
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
        ),
    });
    if (lifecycleText) steps.push(putLifecycle(spec, resource, lifecycleText, 'set'));
    if (policyText) steps.push(setPolicy(spec, resource, policyText, 'set'));
  } else {
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
    // The ownership rule (core), first: another stack's repository is never changed; one made by
    // hand only when adopted (a dry run shows the adoption).
    const wanted = spec.tags[STACK_TAG];
    let adopting = false;
    if (wanted !== undefined) {
      adopting = decideOwnership({
        resource,
        tags: Object.fromEntries(await tagsOf()),
        stack: wanted,
        adopt: options.adopt,
        dryRun: options.dryRun,
        retag: `aws ecr tag-resource --resource-arn ${arn} --tags Key=${STACK_TAG},Value=${wanted}`,
      }).adopting;
      if (adopting) {
        steps.push({
          operation: 'ecr:TagResource',
          change: adoptChange(resource, wanted, options.adopt),
          apply: (c) =>
            c.send(new TagResourceCommand({ resourceArn: arn, tags: [{ Key: STACK_TAG, Value: wanted }] })),
        });
      }
    }
    // Encryption is fixed at creation: refuse before changing anything else.
    const enc = current.encryptionConfiguration;
    if (
      spec.encryption &&
      (enc?.encryptionType !== spec.encryption.type ||
        (spec.encryption.kmsKey !== undefined && enc?.kmsKey !== spec.encryption.kmsKey))
    ) {
      throw new EksKitError(
        'ImmutableSetting',
        `${resource}: encryption is ${enc?.encryptionType ?? 'unknown'}${enc?.kmsKey ? ` (${enc.kmsKey})` : ''}, the stack asks for ${spec.encryption.type}${spec.encryption.kmsKey ? ` (${spec.encryption.kmsKey})` : ''}; ECR cannot change a repository's encryption`,
        { hint: 'drop the encryption setting, or create a new repository and move the images' },
      );
    }
    const currentExclusions = (current.imageTagMutabilityExclusionFilters ?? [])
      .map((f) => f.filter ?? '')
      .sort();
    if (
      spec.tagMutability &&
      (current.imageTagMutability !== spec.tagMutability ||
        sortedJson(currentExclusions) !== sortedJson(spec.tagMutabilityExclusions ?? []))
    ) {
      steps.push({
        operation: 'ecr:PutImageTagMutability',
        change: {
          action: 'update',
          resource,
          summary: `tag mutability: ${current.imageTagMutability} -> ${spec.tagMutability}${spec.tagMutabilityExclusions ? ` (except ${spec.tagMutabilityExclusions.join(', ')})` : ''}`,
          before: { tagMutability: current.imageTagMutability, exclusions: currentExclusions },
          after: { tagMutability: spec.tagMutability, exclusions: spec.tagMutabilityExclusions ?? [] },
        },
        apply: (c) =>
          c.send(
            new PutImageTagMutabilityCommand({
              repositoryName: spec.name,
              imageTagMutability: spec.tagMutability,
              ...(spec.tagMutabilityExclusions
                ? {
                    imageTagMutabilityExclusionFilters: spec.tagMutabilityExclusions.map((filter) => ({
                      filterType: 'WILDCARD' as const,
                      filter,
                    })),
                  }
                : {}),
            }),
          ),
      });
    }
    const scan = current.imageScanningConfiguration?.scanOnPush ?? false;
    if (spec.scanOnPush !== undefined && scan !== spec.scanOnPush) {
      steps.push({
        operation: 'ecr:PutImageScanningConfiguration',
        change: {
          action: 'update',
          resource,
          summary: `scan on push: ${scan} -> ${spec.scanOnPush}`,
          before: { scanOnPush: scan },
          after: { scanOnPush: spec.scanOnPush },
        },
        apply: (c) =>
          c.send(
            new PutImageScanningConfigurationCommand({
              repositoryName: spec.name,
              imageScanningConfiguration: { scanOnPush: spec.scanOnPush },
            }),
          ),
      });
    }
    if (spec.lifecyclePolicy !== undefined) {
      const got = await readOptional(
        () => ecr.send(new GetLifecyclePolicyCommand({ repositoryName: spec.name })),
        'ecr:GetLifecyclePolicy',
        spec.name,
      );
      const currentText = got?.lifecyclePolicyText;
      if (spec.lifecyclePolicy === null) {
        if (currentText !== undefined) {
          steps.push({
            operation: 'ecr:DeleteLifecyclePolicy',
            change: { action: 'delete', resource, summary: 'lifecycle policy: remove' },
            apply: (c) => c.send(new DeleteLifecyclePolicyCommand({ repositoryName: spec.name })),
          });
        }
      } else if (currentText === undefined || !sameLifecycle(currentText, spec.lifecyclePolicy)) {
        steps.push(
          putLifecycle(
            spec,
            resource,
            lifecycleText as string,
            currentText === undefined ? 'set' : 'replace',
          ),
        );
      }
    }
    if (spec.policy !== undefined) {
      const got = await readOptional(
        () => ecr.send(new GetRepositoryPolicyCommand({ repositoryName: spec.name })),
        'ecr:GetRepositoryPolicy',
        spec.name,
      );
      const currentPolicy = got?.policyText;
      if (spec.policy === null) {
        if (currentPolicy !== undefined) {
          steps.push({
            operation: 'ecr:DeleteRepositoryPolicy',
            change: { action: 'delete', resource, summary: 'repository policy: remove' },
            apply: (c) => c.send(new DeleteRepositoryPolicyCommand({ repositoryName: spec.name })),
          });
        }
      } else if (currentPolicy === undefined) {
        steps.push(setPolicy(spec, resource, policyText as string, 'set'));
      } else {
        const diff = diffCurrentPolicy(currentPolicy, spec.policy);
        if (!diff.equal) steps.push(setPolicy(spec, resource, policyText as string, diff.summary));
      }
    }
    if (Object.keys(spec.tags).length > 0) {
      const have = await tagsOf();
      const missing = Object.entries(spec.tags).filter(
        ([k, v]) => have.get(k) !== v && !(adopting && k === STACK_TAG),
      );
      if (missing.length > 0) {
        steps.push({
          operation: 'ecr:TagResource',
          change: {
            action: 'tag',
            resource,
            summary: `tags: ${missing.map(([k, v]) => (have.has(k) ? `~${k}=${have.get(k)} -> ${v}` : `+${k}=${v}`)).join(', ')}`,
            before: Object.fromEntries(missing.filter(([k]) => have.has(k)).map(([k]) => [k, have.get(k)])),
            after: Object.fromEntries(missing),
          },
          apply: (c) =>
            c.send(
              new TagResourceCommand({
                resourceArn: arn,
                tags: missing.map(([Key, Value]) => ({ Key, Value })),
              }),
            ),
        });
      }
    }
  }

  const changes = steps.map((s) => s.change);
  const created = !current;
  let repository = current;
  if (!options.dryRun) {
    for (const step of steps) {
      options.signal?.throwIfAborted();
      try {
        const out = (await step.apply(ecr)) as { repository?: Repository } | undefined;
        if (step.operation === 'ecr:CreateRepository') repository = out?.repository;
      } catch (error) {
        if (
          !retried &&
          step.operation === 'ecr:CreateRepository' &&
          /RepositoryAlreadyExists/.test(String((error as Error)?.name))
        ) {
          // Created by someone else meanwhile: converge that repository instead (once).
          return converge(clients, input, options, true);
        }
        throw wrapAwsError(error, step.operation, spec.name);
      }
      options.onEvent?.({ type: 'applied', message: step.change.summary, resource });
    }
  }
  if (!repository && options.dryRun) {
    // Not created yet: compute where it will be (one STS read).
    const { accountId } = await describeAccount(clients);
    return {
      changes,
      arn: repositoryArn({ accountId, region, name: spec.name }),
      uri: `${registryHostFor(accountId, region)}/${spec.name}`,
      created,
    };
  }
  return {
    changes,
    arn: repository?.repositoryArn,
    uri: repository?.repositoryUri,
    created,
  };
}

function sameLifecycle(currentText: string, desired: LifecyclePolicy): boolean {
  try {
    return lifecycleKey(JSON.parse(currentText) as LifecyclePolicy) === lifecycleKey(desired);
  } catch {
    return false;
  }
}

function putLifecycle(
  spec: NormalisedRepositorySpec,
  resource: string,
  text: string,
  how: 'set' | 'replace',
): Step {
  const rules = spec.lifecyclePolicy?.rules ?? [];
  return {
    operation: 'ecr:PutLifecyclePolicy',
    change: {
      action: 'update',
      resource,
      summary: `lifecycle policy: ${how} (${rules.map((r) => r.description ?? `rule ${r.rulePriority}`).join('; ')})`,
      after: spec.lifecyclePolicy,
    },
    apply: (c) =>
      c.send(new PutLifecyclePolicyCommand({ repositoryName: spec.name, lifecyclePolicyText: text })),
  };
}

function setPolicy(spec: NormalisedRepositorySpec, resource: string, text: string, how: string): Step {
  return {
    operation: 'ecr:SetRepositoryPolicy',
    change: { action: 'update', resource, summary: `repository policy: ${how}`, after: spec.policy },
    apply: (c) => c.send(new SetRepositoryPolicyCommand({ repositoryName: spec.name, policyText: text })),
  };
}
