/**
 * ensureManagedPolicy: create a customer managed policy or give it a new default version when (and
 * only when) its document differs semantically; IAM keeps at most 5 versions (docs/AWS-FACTS.md#iam-names-and-size-limits), so the
 * oldest non-default version is deleted first when five exist.
 */
import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyVersionCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  type IAMClient,
  type Policy,
  type PolicyVersion,
  paginateListPolicyTags,
  paginateListPolicyVersions,
  TagPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  type AwsClients,
  adoptChange,
  awsErrorCode,
  type Change,
  decideOwnership,
  describeAccount,
  type EnsureOptions,
  type EnsureResult,
  isNotFoundError,
  validateTags,
  validateTagValue,
  wrapAwsError,
} from '@eks-kit/core';
import { diffCurrentPolicy, policyForDisplay } from '../builders/compare.js';
import { policyJson } from '../builders/document.js';
import { validateIamPath, validatePolicyName } from '../builders/names.js';
import type { PolicyDocument } from '../builders/types.js';
import { validatePolicy } from '../builders/validate-policy.js';
import { iamArn } from './aws-context.js';
import { STACK_TAG_KEY, validateDescription } from './role-input.js';

/** Desired state of a customer managed policy. */
export interface ManagedPolicySpec {
  name: string;
  /** IAM path (default `/`). */
  path?: string;
  document: PolicyDocument;
  /** Set at creation only (IAM cannot change a policy's description). */
  description?: string;
  tags?: Record<string, string>;
  /** Stack name: a policy created here is tagged `eks-kit:stack=<stack>`. */
  stack?: string;
}

/** What {@link ensureManagedPolicy} returns. */
export interface EnsureManagedPolicyResult extends EnsureResult {
  arn: string;
  /** Default version after the run (`v1`...), unknown in dry run for a new policy. */
  defaultVersionId?: string;
  created: boolean;
}

/** IAM keeps at most this many versions of a managed policy. */
export const MAX_POLICY_VERSIONS = 5;

async function getPolicy(iam: IAMClient, arn: string): Promise<Policy | undefined> {
  try {
    return (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy;
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw wrapAwsError(error, 'iam:GetPolicy', arn);
  }
}

async function listVersions(iam: IAMClient, arn: string): Promise<PolicyVersion[]> {
  const versions: PolicyVersion[] = [];
  try {
    for await (const page of paginateListPolicyVersions({ client: iam }, { PolicyArn: arn }))
      versions.push(...(page.Versions ?? []));
  } catch (error) {
    throw wrapAwsError(error, 'iam:ListPolicyVersions', arn);
  }
  return versions;
}

async function listTags(iam: IAMClient, arn: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  try {
    for await (const page of paginateListPolicyTags({ client: iam }, { PolicyArn: arn }))
      for (const t of page.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  } catch (error) {
    throw wrapAwsError(error, 'iam:ListPolicyTags', arn);
  }
  return tags;
}

/**
 * The oldest version that is not the default (by CreateDate, then version number).
 *
 * @example
 * ```ts
 * oldestNonDefaultVersion([{ VersionId: 'v2', IsDefaultVersion: true }, { VersionId: 'v1' }]); // { VersionId: 'v1' }
 * ```
 */
export function oldestNonDefaultVersion(versions: readonly PolicyVersion[]): PolicyVersion | undefined {
  const number = (v: PolicyVersion): number => Number((v.VersionId ?? 'v0').slice(1)) || 0;
  return [...versions]
    .filter((v) => !v.IsDefaultVersion)
    .sort(
      (a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0) || number(a) - number(b),
    )[0];
}

/**
 * Create the managed policy, or converge it: a new default version only when the document differs
 * semantically (deleting the oldest non-default version first when five exist), missing tags added.
 * Ownership (with `stack`, core's `decideOwnership`, checked before any write): a policy tagged for
 * another stack is refused (`OwnedByAnotherStack`); one without the tag (made by hand) is refused
 * (`NotOwnedByStack`) unless `options.adopt` is set, when it is tagged `eks-kit:stack=<stack>`.
 * Validated (names, path, document as a managed identity policy of at most 6,144 characters) before
 * any AWS call; with `dryRun` no mutating call is made.
 *
 * @example
 * ```ts
 * const { arn, changes } = await ensureManagedPolicy(clients, {
 *   name: 'eks-kit-ecr-push',
 *   document: policyDocument([statement({ actions: ['ecr:PutImage'], resources: repoArn })], { kind: 'identity' }),
 *   stack: 'prod',
 * });
 * ```
 */
export async function ensureManagedPolicy(
  clients: AwsClients,
  spec: ManagedPolicySpec,
  options: EnsureOptions = {},
): Promise<EnsureManagedPolicyResult> {
  validatePolicyName(spec?.name, 'name');
  const path = spec.path === undefined ? '/' : validateIamPath(spec.path, 'path');
  if (spec.description !== undefined) validateDescription(spec.description, 'description');
  const tagsInput = validateTags(spec.tags, 'tags');
  if (spec.stack !== undefined) validateTagValue(spec.stack, 'stack');
  await validatePolicy(spec.document, { kind: 'identity', managed: true, field: 'document' });

  const iam = await clients.iam();
  const { accountId, partition } = await describeAccount(clients);
  const arn = iamArn(partition, accountId, 'policy', path, spec.name);
  const resource = `iam policy ${spec.name}`;
  const changes: Change[] = [];
  const policy = await getPolicy(iam, arn);

  if (!policy) {
    const tags = { ...tagsInput, ...(spec.stack !== undefined ? { [STACK_TAG_KEY]: spec.stack } : {}) };
    const change: Change = {
      action: 'create',
      resource,
      summary: `create managed policy ${path}${spec.name}`,
      after: spec.document,
    };
    if (options.dryRun) return { changes: [change], arn, created: true };
    try {
      const out = await iam.send(
        new CreatePolicyCommand({
          PolicyName: spec.name,
          Path: path,
          PolicyDocument: policyJson(spec.document),
          ...(spec.description !== undefined ? { Description: spec.description } : {}),
          ...(Object.keys(tags).length > 0
            ? { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }
            : {}),
        }),
      );
      options.onEvent?.({ type: 'applied', resource, message: change.summary });
      return {
        changes: [change],
        arn: out.Policy?.Arn ?? arn,
        ...(out.Policy?.DefaultVersionId !== undefined
          ? { defaultVersionId: out.Policy.DefaultVersionId }
          : {}),
        created: true,
      };
    } catch (error) {
      if (!/EntityAlreadyExists/.test(awsErrorCode(error) ?? ''))
        throw wrapAwsError(error, 'iam:CreatePolicy', arn);
      options.onEvent?.({
        type: 'notice',
        resource,
        message: `${resource} was created meanwhile; converging it instead`,
      });
    }
  }

  const current = policy ?? (await getPolicy(iam, arn));
  if (!current) throw wrapAwsError(new Error('policy vanished'), 'iam:GetPolicy', arn);
  // The ownership rule (core), before the first write: another stack's policy is never changed; one
  // without the stack tag only when adopted.
  const tags = Object.keys(tagsInput).length > 0 || spec.stack !== undefined ? await listTags(iam, arn) : {};
  let adopting = false;
  if (spec.stack !== undefined) {
    adopting = decideOwnership({
      resource,
      tags,
      stack: spec.stack,
      adopt: options.adopt,
      dryRun: options.dryRun,
      retag: `aws iam tag-policy --policy-arn ${arn} --tags Key=${STACK_TAG_KEY},Value=${spec.stack}`,
    }).adopting;
    if (adopting) changes.push(adoptChange(resource, spec.stack, options.adopt));
  }
  let defaultVersionId = current.DefaultVersionId;
  let currentDocument: string | undefined;
  try {
    const out = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: defaultVersionId }));
    currentDocument = out.PolicyVersion?.Document;
  } catch (error) {
    throw wrapAwsError(error, 'iam:GetPolicyVersion', `${arn} ${defaultVersionId}`);
  }
  const diff = diffCurrentPolicy(currentDocument ?? '{}', spec.document);
  if (!diff.equal) {
    const versions = await listVersions(iam, arn);
    if (versions.length >= MAX_POLICY_VERSIONS) {
      const oldest = oldestNonDefaultVersion(versions);
      if (oldest?.VersionId) {
        const versionId = oldest.VersionId;
        changes.push({
          action: 'delete',
          resource,
          summary: `delete version ${versionId} (IAM keeps ${MAX_POLICY_VERSIONS} versions)`,
        });
        if (!options.dryRun) await deleteVersionIfPresent(iam, arn, versionId);
      }
    }
    changes.push({
      action: 'update',
      resource,
      summary: `new default version: ${diff.summary}`,
      before: policyForDisplay(currentDocument ?? '{}'),
      after: spec.document,
    });
    if (!options.dryRun) {
      // A concurrent run may have taken the free version slot between our read and this call:
      // IAM answers LimitExceeded; free the oldest non-default version again and retry (bounded).
      for (let attempt = 1; ; attempt++) {
        try {
          const out = await iam.send(
            new CreatePolicyVersionCommand({
              PolicyArn: arn,
              PolicyDocument: policyJson(spec.document),
              SetAsDefault: true,
            }),
          );
          defaultVersionId = out.PolicyVersion?.VersionId ?? defaultVersionId;
          break;
        } catch (error) {
          if (awsErrorCode(error) !== 'LimitExceeded' || attempt >= 3) {
            throw wrapAwsError(error, 'iam:CreatePolicyVersion', arn);
          }
          const oldest = oldestNonDefaultVersion(await listVersions(iam, arn));
          if (oldest?.VersionId) await deleteVersionIfPresent(iam, arn, oldest.VersionId);
        }
      }
    }
  }
  if (spec.description !== undefined && (current.Description ?? '') !== spec.description) {
    options.onEvent?.({
      type: 'notice',
      resource,
      message: `${resource}: IAM cannot change a policy's description; keeping ${JSON.stringify(current.Description ?? '')}`,
    });
  }
  const toTag = Object.entries(tagsInput).filter(([k, v]) => tags[k] !== v);
  if (toTag.length > 0) {
    changes.push({
      action: 'tag',
      resource,
      summary: `tags: ${toTag.map(([k, v]) => `${k}=${v}`).join(', ')}`,
      after: Object.fromEntries(toTag),
    });
  }
  if (adopting && spec.stack !== undefined) toTag.push([STACK_TAG_KEY, spec.stack]);
  if (toTag.length > 0 && !options.dryRun) {
    try {
      await iam.send(
        new TagPolicyCommand({ PolicyArn: arn, Tags: toTag.map(([Key, Value]) => ({ Key, Value })) }),
      );
    } catch (error) {
      throw wrapAwsError(error, 'iam:TagPolicy', arn);
    }
  }
  for (const change of changes)
    options.onEvent?.({ type: options.dryRun ? 'plan' : 'applied', resource, message: change.summary });
  return { changes, arn, ...(defaultVersionId !== undefined ? { defaultVersionId } : {}), created: false };
}

/** Delete a policy version; one already deleted (by a concurrent run) counts as done. */
async function deleteVersionIfPresent(iam: IAMClient, arn: string, versionId: string): Promise<void> {
  try {
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }));
  } catch (error) {
    if (isNotFoundError(error)) return;
    throw wrapAwsError(error, 'iam:DeletePolicyVersion', `${arn} ${versionId}`);
  }
}
