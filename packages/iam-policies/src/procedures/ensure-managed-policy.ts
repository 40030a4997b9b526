/**
 * ensureManagedPolicy: create a customer managed policy or give it a new default version when (and
 * only when) its document differs semantically; IAM keeps at most 5 versions (docs/AWS-FACTS.md#iam-names-and-size-limits), so the
 * oldest non-default version is deleted first when five exist.
 */
// IAM's commands are imported where they are sent (`(await import('@aws-sdk/client-iam')).X`), not at
// the top: importing @eks-kit/iam-policies loads no IAM SDK code until a call (issue 21). The bundles'
// esbuild plugins (tools/esbuild-plugins) make it a static, tree-shaken import again.
import type { IAMClient, Policy, PolicyVersion } from '@aws-sdk/client-iam';
import {
  type AwsClients,
  adoptChange,
  applyPlan,
  awsErrorCode,
  type Change,
  type Deadline,
  deadlineOf,
  decideOwnership,
  describeAccount,
  type EnsureOptions,
  type EnsureResult,
  isNotFoundError,
  type PlannedChange,
  UNCHANGED,
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
    return (await iam.send(new (await import('@aws-sdk/client-iam')).GetPolicyCommand({ PolicyArn: arn })))
      .Policy;
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw wrapAwsError(error, 'iam:GetPolicy', arn);
  }
}

async function listVersions(iam: IAMClient, arn: string): Promise<PolicyVersion[]> {
  const versions: PolicyVersion[] = [];
  try {
    for await (const page of (await import('@aws-sdk/client-iam')).paginateListPolicyVersions(
      { client: iam },
      { PolicyArn: arn },
    ))
      versions.push(...(page.Versions ?? []));
  } catch (error) {
    throw wrapAwsError(error, 'iam:ListPolicyVersions', arn);
  }
  return versions;
}

async function listTags(iam: IAMClient, arn: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  try {
    for await (const page of (await import('@aws-sdk/client-iam')).paginateListPolicyTags(
      { client: iam },
      { PolicyArn: arn },
    ))
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
  const { path, tagsInput } = await validateManagedPolicySpec(spec);
  const deadline = deadlineOf(options);
  const iam = await clients.iam();
  const { accountId, partition } = await describeAccount(clients);
  const arn = iamArn(partition, accountId, 'policy', path, spec.name);
  const policy = await getPolicy(iam, arn);
  if (!policy) {
    const created = await createPolicy(iam, spec, { arn, path, tagsInput }, { ...options, deadline });
    if (created) return created;
  }
  const current = policy ?? (await getPolicy(iam, arn));
  if (!current) throw wrapAwsError(new Error('policy vanished'), 'iam:GetPolicy', arn);
  const target = { iam, arn, spec, tagsInput, current };
  const version = { id: current.DefaultVersionId };
  const steps = await planPolicyConvergence(target, version, options);
  const { changes } = await applyPlan(steps, { ...options, deadline });
  const resource = `iam policy ${spec.name}`;
  if (spec.description !== undefined && (current.Description ?? '') !== spec.description) {
    options.onEvent?.({
      type: 'notice',
      resource,
      message: `${resource}: IAM cannot change a policy's description; keeping ${JSON.stringify(current.Description ?? '')}`,
    });
  }
  return {
    changes,
    arn,
    ...(version.id !== undefined ? { defaultVersionId: version.id } : {}),
    created: false,
  };
}

/** Names, path, description, tags, stack and the document, before any AWS call. */
async function validateManagedPolicySpec(
  spec: ManagedPolicySpec,
): Promise<{ path: string; tagsInput: Record<string, string> }> {
  validatePolicyName(spec?.name, 'name');
  const path = spec.path === undefined ? '/' : validateIamPath(spec.path, 'path');
  if (spec.description !== undefined) validateDescription(spec.description, 'description');
  const tagsInput = validateTags(spec.tags, 'tags');
  if (spec.stack !== undefined) validateTagValue(spec.stack, 'stack');
  await validatePolicy(spec.document, { kind: 'identity', managed: true, field: 'document' });
  return { path, tagsInput };
}

/**
 * Create the policy (a dry run: report it). Answers the result, or undefined when another process
 * created it meanwhile (`EntityAlreadyExists`): the caller converges that policy instead.
 */
async function createPolicy(
  iam: IAMClient,
  spec: ManagedPolicySpec,
  at: { arn: string; path: string; tagsInput: Record<string, string> },
  options: EnsureOptions & { deadline: Deadline },
): Promise<EnsureManagedPolicyResult | undefined> {
  const { arn, path } = at;
  const resource = `iam policy ${spec.name}`;
  const tags = { ...at.tagsInput, ...(spec.stack !== undefined ? { [STACK_TAG_KEY]: spec.stack } : {}) };
  let created: Policy | undefined;
  const create = async (): Promise<unknown> => {
    try {
      const out = await iam.send(
        new (await import('@aws-sdk/client-iam')).CreatePolicyCommand({
          PolicyName: spec.name,
          Path: path,
          PolicyDocument: policyJson(spec.document),
          ...(spec.description !== undefined ? { Description: spec.description } : {}),
          ...(Object.keys(tags).length > 0
            ? { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }
            : {}),
        }),
      );
      created = out.Policy ?? {};
      return undefined;
    } catch (error) {
      if (!/EntityAlreadyExists/.test(awsErrorCode(error) ?? '')) throw error;
      options.onEvent?.({
        type: 'notice',
        resource,
        message: `${resource} was created meanwhile; converging it instead`,
      });
      return UNCHANGED;
    }
  };
  const change: Change = {
    action: 'create',
    resource,
    summary: `create managed policy ${path}${spec.name}`,
    after: spec.document,
  };
  const { changes } = await applyPlan(
    [{ change, operation: 'iam:CreatePolicy', target: arn, apply: create }],
    options,
  );
  if (changes.length === 0) return undefined;
  const made = created as Policy | undefined;
  return {
    changes,
    arn: made?.Arn ?? arn,
    ...(made?.DefaultVersionId !== undefined ? { defaultVersionId: made.DefaultVersionId } : {}),
    created: true,
  };
}

interface PolicyTarget {
  iam: IAMClient;
  arn: string;
  spec: ManagedPolicySpec;
  tagsInput: Record<string, string>;
  current: Policy;
}

/**
 * The steps that converge an existing policy, in the order of the writes: the ownership rule first
 * (core: another stack's policy is never changed, one without the stack tag only when adopted), a
 * new default version when the document differs (the oldest non-default version deleted first when
 * IAM holds five), then one TagPolicy with the missing tags and, when adopting, the stack tag.
 */
async function planPolicyConvergence(
  target: PolicyTarget,
  version: { id: string | undefined },
  options: EnsureOptions,
): Promise<PlannedChange[]> {
  const { iam, arn, spec, tagsInput } = target;
  const resource = `iam policy ${spec.name}`;
  const tags = Object.keys(tagsInput).length > 0 || spec.stack !== undefined ? await listTags(iam, arn) : {};
  const adopting =
    spec.stack !== undefined &&
    decideOwnership({
      resource,
      tags,
      stack: spec.stack,
      adopt: options.adopt,
      dryRun: options.dryRun,
      retag: `aws iam tag-policy --policy-arn ${arn} --tags Key=${STACK_TAG_KEY},Value=${spec.stack}`,
    }).adopting;
  const adopt =
    adopting && spec.stack !== undefined ? adoptChange(resource, spec.stack, options.adopt) : undefined;
  const steps: PlannedChange[] = adopt ? [{ change: adopt }] : [];
  steps.push(...(await planNewVersion(target, version)));
  const toTag = Object.entries(tagsInput).filter(([k, v]) => tags[k] !== v);
  const written =
    adopting && spec.stack !== undefined
      ? [...toTag, [STACK_TAG_KEY, spec.stack] as [string, string]]
      : toTag;
  if (written.length === 0) return steps;
  steps.push({
    ...(toTag.length > 0
      ? {
          change: {
            action: 'tag' as const,
            resource,
            summary: `tags: ${toTag.map(([k, v]) => `${k}=${v}`).join(', ')}`,
            after: Object.fromEntries(toTag),
          },
        }
      : { event: { type: 'applied', resource, message: adopt?.summary ?? '' } }),
    operation: 'iam:TagPolicy',
    target: arn,
    apply: async () =>
      iam.send(
        new (await import('@aws-sdk/client-iam')).TagPolicyCommand({
          PolicyArn: arn,
          Tags: written.map(([Key, Value]) => ({ Key, Value })),
        }),
      ),
  });
  return steps;
}

/** A new default version when the document differs semantically (making room first when IAM holds five). */
async function planNewVersion(
  target: PolicyTarget,
  version: { id: string | undefined },
): Promise<PlannedChange[]> {
  const { iam, arn, spec } = target;
  const resource = `iam policy ${spec.name}`;
  let currentDocument: string | undefined;
  try {
    const out = await iam.send(
      new (await import('@aws-sdk/client-iam')).GetPolicyVersionCommand({
        PolicyArn: arn,
        VersionId: version.id,
      }),
    );
    currentDocument = out.PolicyVersion?.Document;
  } catch (error) {
    throw wrapAwsError(error, 'iam:GetPolicyVersion', `${arn} ${version.id}`);
  }
  const diff = diffCurrentPolicy(currentDocument ?? '{}', spec.document);
  if (diff.equal) return [];
  const steps: PlannedChange[] = [];
  const versions = await listVersions(iam, arn);
  const oldest = versions.length >= MAX_POLICY_VERSIONS ? oldestNonDefaultVersion(versions) : undefined;
  const versionId = oldest?.VersionId;
  if (versionId) {
    steps.push({
      change: {
        action: 'delete',
        resource,
        summary: `delete version ${versionId} (IAM keeps ${MAX_POLICY_VERSIONS} versions)`,
      },
      apply: () => deleteVersionIfPresent(iam, arn, versionId),
    });
  }
  steps.push({
    change: {
      action: 'update',
      resource,
      summary: `new default version: ${diff.summary}`,
      before: policyForDisplay(currentDocument ?? '{}'),
      after: spec.document,
    },
    operation: 'iam:CreatePolicyVersion',
    target: arn,
    apply: async () => {
      version.id = (await createDefaultVersion(iam, arn, spec.document)) ?? version.id;
    },
  });
  return steps;
}

/**
 * CreatePolicyVersion as default. A concurrent run may have taken the free version slot between our
 * read and this call: IAM answers LimitExceeded; free the oldest non-default version again and retry
 * (bounded).
 */
async function createDefaultVersion(
  iam: IAMClient,
  arn: string,
  document: PolicyDocument,
): Promise<string | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      const out = await iam.send(
        new (await import('@aws-sdk/client-iam')).CreatePolicyVersionCommand({
          PolicyArn: arn,
          PolicyDocument: policyJson(document),
          SetAsDefault: true,
        }),
      );
      return out.PolicyVersion?.VersionId;
    } catch (error) {
      if (awsErrorCode(error) !== 'LimitExceeded' || attempt >= 3) throw error;
      const oldest = oldestNonDefaultVersion(await listVersions(iam, arn));
      if (oldest?.VersionId) await deleteVersionIfPresent(iam, arn, oldest.VersionId);
    }
  }
}

/** Delete a policy version; one already deleted (by a concurrent run) counts as done. */
async function deleteVersionIfPresent(iam: IAMClient, arn: string, versionId: string): Promise<void> {
  try {
    await iam.send(
      new (await import('@aws-sdk/client-iam')).DeletePolicyVersionCommand({
        PolicyArn: arn,
        VersionId: versionId,
      }),
    );
  } catch (error) {
    if (isNotFoundError(error)) return;
    throw wrapAwsError(error, 'iam:DeletePolicyVersion', `${arn} ${versionId}`);
  }
}
