/**
 * The desired state of an ECR repository ({@link RepositorySpec}), its validation, and the kaniko
 * cache repository spec.
 */
import { InvalidInputError, STACK_TAG_KEY, validateTags } from '@eks-kit/core';
import type { PolicyDocument } from '@eks-kit/iam-policies';
import {
  expireImagesAfterDays,
  type LifecyclePolicy,
  type LifecycleRuleInput,
  lifecyclePolicy,
} from './lifecycle.js';
import { cacheRepositoryName, validateRepositoryName } from './repository-ref.js';

/** Tag mutability settings of a repository (docs/AWS-FACTS.md#ecr-repositories). */
export type TagMutability = 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION';
const TAG_MUTABILITIES: readonly TagMutability[] = [
  'MUTABLE',
  'IMMUTABLE',
  'IMMUTABLE_WITH_EXCLUSION',
  'MUTABLE_WITH_EXCLUSION',
];

/** Encryption of a repository; it cannot change after creation. */
export type RepositoryEncryption =
  | 'AES256'
  | 'KMS'
  | 'KMS_DSSE'
  | { type: 'KMS' | 'KMS_DSSE'; kmsKey: string };

/**
 * Desired state of a repository. An omitted setting is left as AWS has it (AWS defaults on create);
 * `null` for `lifecyclePolicy` or `policy` removes it.
 */
export interface RepositorySpec {
  name: string;
  tagMutability?: TagMutability;
  /** Wildcard tag filters of the `*_WITH_EXCLUSION` mutabilities, e.g. `['latest']`. */
  tagMutabilityExclusions?: readonly string[];
  scanOnPush?: boolean;
  encryption?: RepositoryEncryption;
  /** A policy from {@link lifecyclePolicy}, or rules to pass to it; `null` removes the policy. */
  lifecyclePolicy?: LifecyclePolicy | readonly LifecycleRuleInput[] | null;
  /** Tags to set (other tags on the repository are left alone). */
  tags?: Record<string, string>;
  /** Repository (resource) policy; `null` removes it. */
  policy?: PolicyDocument | null;
  /** Stack name: the repository is tagged `eks-kit:stack=<stack>`. */
  stack?: string;
}

/** A spec after validation: lifecycle policy built, encryption normalised. */
export interface NormalisedRepositorySpec {
  name: string;
  tagMutability?: TagMutability;
  tagMutabilityExclusions?: string[];
  scanOnPush?: boolean;
  encryption?: { type: 'AES256' | 'KMS' | 'KMS_DSSE'; kmsKey?: string };
  lifecyclePolicy?: LifecyclePolicy | null;
  tags: Record<string, string>;
  policy?: PolicyDocument | null;
}

/** The tag every resource eks-kit creates carries (core's `STACK_TAG_KEY`). */
export const STACK_TAG = STACK_TAG_KEY;

/**
 * Check a repository spec (before any AWS call) and normalise it.
 *
 * @example
 * ```ts
 * normaliseRepositorySpec({ name: 'team/app', tagMutability: 'IMMUTABLE', lifecyclePolicy: [expireUntaggedAfterDays(14)] });
 * ```
 */
export function normaliseRepositorySpec(spec: RepositorySpec): NormalisedRepositorySpec {
  if (!spec || typeof spec !== 'object') throw new InvalidInputError('repository', spec, 'a repository spec');
  const name = validateRepositoryName(spec.name, 'name');
  const out: NormalisedRepositorySpec = { name, tags: validateTags(spec.tags ?? {}, 'tags', 49) };
  if (spec.stack !== undefined) {
    if (typeof spec.stack !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(spec.stack))
      throw new InvalidInputError('stack', spec.stack, 'a stack name of letters, digits, _ . -');
    out.tags[STACK_TAG] = spec.stack;
  }
  if (spec.tagMutability !== undefined) {
    if (!TAG_MUTABILITIES.includes(spec.tagMutability))
      throw new InvalidInputError('tagMutability', spec.tagMutability, TAG_MUTABILITIES.join(', '));
    out.tagMutability = spec.tagMutability;
    const exclusions = [...(spec.tagMutabilityExclusions ?? [])];
    const needs = spec.tagMutability.endsWith('_WITH_EXCLUSION');
    if (needs && exclusions.length === 0)
      throw new InvalidInputError(
        'tagMutabilityExclusions',
        exclusions,
        `at least one tag filter for ${spec.tagMutability}`,
      );
    if (!needs && exclusions.length > 0)
      throw new InvalidInputError(
        'tagMutabilityExclusions',
        exclusions,
        'no filters unless tagMutability is *_WITH_EXCLUSION',
      );
    if (exclusions.length > 5)
      throw new InvalidInputError('tagMutabilityExclusions', exclusions, 'at most 5 filters');
    exclusions.forEach((f, i) => {
      if (typeof f !== 'string' || !/^[0-9a-zA-Z._*-]{1,128}$/.test(f))
        throw new InvalidInputError(
          `tagMutabilityExclusions[${i}]`,
          f,
          'a tag filter of letters, digits, . _ - and *',
        );
    });
    if (needs) out.tagMutabilityExclusions = exclusions.sort();
  } else if (spec.tagMutabilityExclusions !== undefined) {
    throw new InvalidInputError(
      'tagMutability',
      undefined,
      'IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION with tagMutabilityExclusions',
    );
  }
  if (spec.scanOnPush !== undefined) {
    if (typeof spec.scanOnPush !== 'boolean')
      throw new InvalidInputError('scanOnPush', spec.scanOnPush, 'true or false');
    out.scanOnPush = spec.scanOnPush;
  }
  if (spec.encryption !== undefined) {
    const e = spec.encryption;
    if (e === 'AES256' || e === 'KMS' || e === 'KMS_DSSE') out.encryption = { type: e };
    else if (
      e &&
      typeof e === 'object' &&
      (e.type === 'KMS' || e.type === 'KMS_DSSE') &&
      typeof e.kmsKey === 'string' &&
      e.kmsKey !== ''
    )
      out.encryption = { type: e.type, kmsKey: e.kmsKey };
    else throw new InvalidInputError('encryption', e, "AES256, KMS, KMS_DSSE or { type: 'KMS', kmsKey }");
  }
  if (spec.lifecyclePolicy === null) out.lifecyclePolicy = null;
  else if (spec.lifecyclePolicy !== undefined) {
    const lp = spec.lifecyclePolicy;
    try {
      out.lifecyclePolicy = Array.isArray(lp)
        ? lifecyclePolicy(lp)
        : lifecyclePolicy((lp as LifecyclePolicy).rules ?? []);
    } catch (e) {
      if (e instanceof InvalidInputError) throw e.under('lifecyclePolicy');
      throw e;
    }
  }
  if (spec.policy !== undefined) out.policy = spec.policy;
  return out;
}

/**
 * The spec of a repository's kaniko/BuildKit layer cache: `<repo>/cache`, MUTABLE (cache entries are
 * overwritten), every image expiring `expireAfterDays` (default 14) after push.
 *
 * @example
 * ```ts
 * await ensureRepository(clients, kanikoCacheRepository('team/app', { stack: 'prod' }));
 * ```
 */
export function kanikoCacheRepository(
  repository: string,
  options: { expireAfterDays?: number; stack?: string; tags?: Record<string, string> } = {},
): RepositorySpec {
  return {
    name: cacheRepositoryName(repository),
    tagMutability: 'MUTABLE',
    lifecyclePolicy: [expireImagesAfterDays(options.expireAfterDays ?? 14)],
    ...(options.tags ? { tags: options.tags } : {}),
    ...(options.stack !== undefined ? { stack: options.stack } : {}),
  };
}
