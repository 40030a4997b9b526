/**
 * Amazon ECR control plane (awsJson1_1, `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Op>`),
 * written from the ECR API Reference and docs/AWS-FACTS.md#ecr-and-image-builds: repositories (name grammar, tag mutability,
 * scan on push, encryption, tags), lifecycle and repository policies, and GetAuthorizationToken,
 * whose tokens the docker registry module (`registry.ts`) accepts. ListImages pages the images a repository holds;
 * DeleteRepository answers RepositoryNotEmptyException while images remain unless `force` is true.
 *
 * World: `ecr.repositories: [{ name, region?, imageTagMutability?, imageTagMutabilityExclusionFilters?, scanOnPush?, encryptionType?,
 * kmsKey?, tags?: Record<string,string>, lifecyclePolicy?, policy?, imageTags?: string[] }]`,
 * `ecr.registryScanning: { scanType?, rules? }` (every region; default BASIC with no rules, as a
 * registry that was never configured).
 *
 * Registry scanning (Get/PutRegistryScanningConfiguration): scanType BASIC | ENHANCED; at most 2
 * rules; scanFrequency SCAN_ON_PUSH | CONTINUOUS_SCAN | MANUAL (CONTINUOUS_SCAN only with ENHANCED);
 * 1-100 WILDCARD repository filters (lower-case letters, digits, star, slash, dot, underscore, hyphen; 1-255 characters). The emulator stores it per
 * region; it does not scan images.
 */

import { AwsError } from '../framework/errors.js';
import { paginate } from '../framework/pagination.js';
import { defineService, type ServiceRequest } from '../framework/service.js';
import type { World } from '../types.js';

/** Tag mutability settings (CreateRepository `imageTagMutability`). */
export const TAG_MUTABILITIES = [
  'MUTABLE',
  'IMMUTABLE',
  'IMMUTABLE_WITH_EXCLUSION',
  'MUTABLE_WITH_EXCLUSION',
] as const;
type TagMutability = (typeof TAG_MUTABILITIES)[number];

/** An exclusion filter of the `*_WITH_EXCLUSION` mutabilities. */
export interface TagMutabilityExclusionFilter {
  filterType: 'WILDCARD';
  filter: string;
}

/** One image: its digest, tags and push time. */
export interface EcrImage {
  digest: string;
  tags: Set<string>;
  pushedAt: number;
  manifest: string;
}

/** A repository as the emulator keeps it. */
export interface EcrRepository {
  name: string;
  region: string;
  registryId: string;
  createdAt: number;
  imageTagMutability: TagMutability;
  exclusionFilters: TagMutabilityExclusionFilter[];
  scanOnPush: boolean;
  encryptionType: 'AES256' | 'KMS' | 'KMS_DSSE';
  kmsKey?: string;
  tags: Map<string, string>;
  lifecyclePolicyText?: string;
  policyText?: string;
  /** Images by digest. */
  images: Map<string, EcrImage>;
}

/** A token handed out by GetAuthorizationToken. */
export interface EcrToken {
  accessKeyId: string;
  region: string;
  registryId: string;
  expiresAt: number;
}

/** One rule of a registry's scanning configuration. */
export interface RegistryScanningRule {
  scanFrequency: 'SCAN_ON_PUSH' | 'CONTINUOUS_SCAN' | 'MANUAL';
  repositoryFilters: Array<{ filter: string; filterType: 'WILDCARD' }>;
}

/** A registry's scanning configuration (one per region). */
export interface RegistryScanning {
  scanType: 'BASIC' | 'ENHANCED';
  rules: RegistryScanningRule[];
}

/** The ECR state, read by the registry module too. */
export interface EcrState {
  accountId: string;
  /** Registry scanning configuration by region (absent: BASIC, no rules). */
  registryScanning: Map<string, RegistryScanning>;
  /** Seeded configuration, for every region not yet configured. */
  seededScanning: RegistryScanning | undefined;
  /** Repositories by `<region>/<name>`. */
  repositories: Map<string, EcrRepository>;
  /** Registry passwords handed out, by password. */
  tokens: Map<string, EcrToken>;
}

/**
 * Key of a repository in {@link EcrState.repositories}.
 * @example repositoryKey('eu-west-1', 'team/app') // 'eu-west-1/team/app'
 */
export function repositoryKey(region: string, name: string): string {
  return `${region}/${name}`;
}

/**
 * ARN of a repository.
 * @example repositoryArnOf({ region: 'eu-west-1', registryId: '123456789012', name: 'app' }) // 'arn:aws:ecr:eu-west-1:123456789012:repository/app'
 */
export function repositoryArnOf(repo: Pick<EcrRepository, 'region' | 'registryId' | 'name'>): string {
  const partition = repo.region.startsWith('cn-')
    ? 'aws-cn'
    : repo.region.startsWith('us-gov-')
      ? 'aws-us-gov'
      : 'aws';
  return `arn:${partition}:ecr:${repo.region}:${repo.registryId}:repository/${repo.name}`;
}

/**
 * Registry host of an account and region (standard endpoint).
 * @example registryHostOf('123456789012', 'eu-west-1') // '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
 */
export function registryHostOf(registryId: string, region: string): string {
  return `${registryId}.dkr.ecr.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/**
 * True when pushing `tag` again to `repo` must be refused (tag immutability, with exclusions).
 * @example isTagImmutable(repo, 'latest') // false for IMMUTABLE_WITH_EXCLUSION with filter 'latest'
 */
export function isTagImmutable(repo: EcrRepository, tag: string): boolean {
  const excluded = repo.exclusionFilters.some((f) => wildcardMatch(f.filter, tag));
  switch (repo.imageTagMutability) {
    case 'IMMUTABLE':
      return true;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !excluded;
    case 'MUTABLE_WITH_EXCLUSION':
      return excluded;
    default:
      return false;
  }
}

function wildcardMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(value);
}

// Repository name: 2-256 characters, docs/AWS-FACTS.md#ecr-repositories.
const NAME_RE = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterException', message, 400);
}

function validateName(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new AwsError(
      'InvalidParameterException',
      "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must not be null'",
      400,
    );
  if (value.length < 2 || value.length > 256 || !NAME_RE.test(value)) {
    throw invalid(
      `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*' and have length between 2 and 256'`,
    );
  }
  return value;
}

function notFound(name: string, registryId: string): AwsError {
  return new AwsError(
    'RepositoryNotFoundException',
    `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
    400,
  );
}

function findRepo(r: ServiceRequest<EcrState>, name: unknown): EcrRepository {
  const checked = validateName(name);
  const repo = r.state.repositories.get(repositoryKey(r.region, checked));
  if (!repo) throw notFound(checked, r.accountId);
  return repo;
}

function checkMutability(
  value: unknown,
  filters: unknown,
): { mutability: TagMutability; filters: TagMutabilityExclusionFilter[] } {
  const mutability = (value ?? 'MUTABLE') as TagMutability;
  if (!TAG_MUTABILITIES.includes(mutability))
    throw invalid(
      `Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [${TAG_MUTABILITIES.join(', ')}]'`,
    );
  const list = (filters ?? []) as TagMutabilityExclusionFilter[];
  if (!Array.isArray(list)) throw invalid("Invalid parameter at 'imageTagMutabilityExclusionFilters'");
  const withExclusion = mutability.endsWith('_WITH_EXCLUSION');
  if (withExclusion && list.length === 0)
    throw invalid(
      `imageTagMutabilityExclusionFilters must be specified when imageTagMutability is ${mutability}`,
    );
  if (!withExclusion && list.length > 0)
    throw invalid(
      `imageTagMutabilityExclusionFilters can only be specified with IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION`,
    );
  if (list.length > 5) throw invalid('at most 5 imageTagMutabilityExclusionFilters are allowed');
  for (const f of list) {
    if (
      f?.filterType !== 'WILDCARD' ||
      typeof f.filter !== 'string' ||
      !/^[0-9a-zA-Z._*-]{1,128}$/.test(f.filter)
    )
      throw invalid(
        "Invalid parameter at 'imageTagMutabilityExclusionFilters': filterType must be WILDCARD and filter a tag pattern",
      );
  }
  return { mutability, filters: list.map((f) => ({ filterType: 'WILDCARD', filter: f.filter })) };
}

function checkTags(value: unknown, existing: Map<string, string> = new Map()): Map<string, string> {
  const out = new Map(existing);
  if (value === undefined) return out;
  if (!Array.isArray(value))
    throw new AwsError('InvalidTagParameterException', 'tags must be a list of Key/Value pairs', 400);
  for (const tag of value as Array<{ Key?: unknown; Value?: unknown }>) {
    const key = tag?.Key;
    const v = tag?.Value ?? '';
    if (typeof key !== 'string' || key.length < 1 || key.length > 128 || key.toLowerCase().startsWith('aws:'))
      throw new AwsError('InvalidTagParameterException', `Invalid tag key: '${String(key)}'`, 400);
    if (typeof v !== 'string' || v.length > 256)
      throw new AwsError('InvalidTagParameterException', `Invalid tag value for key '${key}'`, 400);
    out.set(key, v);
  }
  if (out.size > 50)
    throw new AwsError(
      'TooManyTagsException',
      'The list of tags on the repository is over the limit. The maximum number of tags that can be applied to a repository is 50.',
      400,
    );
  return out;
}

function tagList(tags: Map<string, string>): Array<{ Key: string; Value: string }> {
  return [...tags].sort(([a], [b]) => (a < b ? -1 : 1)).map(([Key, Value]) => ({ Key, Value }));
}

function describe(repo: EcrRepository): Record<string, unknown> {
  return {
    repositoryArn: repositoryArnOf(repo),
    registryId: repo.registryId,
    repositoryName: repo.name,
    repositoryUri: `${registryHostOf(repo.registryId, repo.region)}/${repo.name}`,
    createdAt: new Date(repo.createdAt),
    imageTagMutability: repo.imageTagMutability,
    ...(repo.exclusionFilters.length ? { imageTagMutabilityExclusionFilters: repo.exclusionFilters } : {}),
    imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
    encryptionConfiguration: {
      encryptionType: repo.encryptionType,
      ...(repo.kmsKey ? { kmsKey: repo.kmsKey } : {}),
    },
  };
}

/**
 * Validates a lifecycle policy as ECR does ("Lifecycle policy properties"): rules with unique integer
 * `rulePriority`, `tagStatus` tagged|untagged|any, tag lists only (and required) for tagged,
 * countType imageCountMoreThan|sinceImagePushed (days), action expire, and a `tagStatus: any` rule
 * with the highest priority.
 */
function checkLifecyclePolicy(text: unknown): string {
  const fail = (why: string): AwsError =>
    invalid(
      `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ${why}'`,
    );
  if (typeof text !== 'string' || text.length < 100 || text.length > 30720)
    throw fail('text must be 100-30720 characters');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw fail('the policy is not valid JSON');
  }
  const rules = (doc as { rules?: unknown })?.rules;
  if (!Array.isArray(rules) || rules.length === 0)
    throw fail('object has missing required properties (["rules"])');
  const priorities = new Set<number>();
  let anyPriority: number | undefined;
  let maxPriority = 0;
  for (const rule of rules as Array<Record<string, unknown>>) {
    const p = rule?.rulePriority;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1)
      throw fail('rulePriority must be a positive integer');
    if (priorities.has(p)) throw fail(`rulePriority ${p} is used by more than one rule`);
    priorities.add(p);
    maxPriority = Math.max(maxPriority, p);
    const s = rule.selection as Record<string, unknown> | undefined;
    if (!s || typeof s !== 'object') throw fail('object has missing required properties (["selection"])');
    const hasLists = s.tagPrefixList !== undefined || s.tagPatternList !== undefined;
    if (s.tagStatus === 'tagged') {
      if (!hasLists) throw fail('tagPrefixList or tagPatternList is required when tagStatus is tagged');
    } else if (s.tagStatus === 'untagged' || s.tagStatus === 'any') {
      if (hasLists)
        throw fail(`tagPrefixList and tagPatternList are not allowed when tagStatus is ${s.tagStatus}`);
      if (s.tagStatus === 'any') {
        if (anyPriority !== undefined) throw fail('only one rule can have tagStatus any');
        anyPriority = p;
      }
    } else {
      throw fail('tagStatus must be one of tagged, untagged, any');
    }
    if (s.countType === 'sinceImagePushed') {
      if (s.countUnit !== 'days') throw fail('countUnit days is required when countType is sinceImagePushed');
    } else if (s.countType === 'imageCountMoreThan') {
      if (s.countUnit !== undefined)
        throw fail('countUnit is not allowed when countType is imageCountMoreThan');
    } else {
      throw fail('countType must be imageCountMoreThan or sinceImagePushed');
    }
    if (typeof s.countNumber !== 'number' || !Number.isInteger(s.countNumber) || s.countNumber < 1)
      throw fail('countNumber must be a positive integer');
    if ((rule.action as { type?: unknown } | undefined)?.type !== 'expire')
      throw fail('action type must be expire');
  }
  // "A rule with a tagStatus value of any must have the highest value for rulePriority" (ECR User Guide).
  if (anyPriority !== undefined && anyPriority !== maxPriority)
    throw fail('the rule with tagStatus any must have the highest rulePriority');
  return text;
}

/** Repository policies are resource policies: JSON with statements that name a Principal. */
function checkRepositoryPolicy(text: unknown): string {
  const fail = (): AwsError =>
    invalid(
      "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'",
    );
  if (typeof text !== 'string' || text.length === 0 || text.length > 10240) throw fail();
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(text) as { Statement?: unknown };
  } catch {
    throw fail();
  }
  const statements = Array.isArray(doc?.Statement) ? doc.Statement : doc?.Statement ? [doc.Statement] : [];
  if (statements.length === 0) throw fail();
  for (const s of statements as Array<Record<string, unknown>>) {
    if (s?.Effect !== 'Allow' && s?.Effect !== 'Deny') throw fail();
    if (s.Principal === undefined && s.NotPrincipal === undefined) throw fail();
    if (s.Action === undefined && s.NotAction === undefined) throw fail();
  }
  return text;
}

function checkScanning(value: unknown): boolean {
  const scan = (value as { scanOnPush?: unknown } | undefined)?.scanOnPush;
  if (scan === undefined) return false;
  if (typeof scan !== 'boolean')
    throw invalid("Invalid parameter at 'imageScanningConfiguration.scanOnPush'");
  return scan;
}

function checkEncryption(
  value: unknown,
  region: string,
  accountId: string,
): Pick<EcrRepository, 'encryptionType' | 'kmsKey'> {
  const cfg = (value ?? {}) as { encryptionType?: unknown; kmsKey?: unknown };
  const type = cfg.encryptionType ?? 'AES256';
  if (type !== 'AES256' && type !== 'KMS' && type !== 'KMS_DSSE')
    throw invalid(
      "Invalid parameter at 'encryptionConfiguration.encryptionType' failed to satisfy constraint: 'Member must satisfy enum value set: [AES256, KMS, KMS_DSSE]'",
    );
  if (type === 'AES256') {
    if (cfg.kmsKey !== undefined)
      throw invalid('kmsKey can only be specified when encryptionType is KMS or KMS_DSSE');
    return { encryptionType: 'AES256' };
  }
  if (
    cfg.kmsKey !== undefined &&
    (typeof cfg.kmsKey !== 'string' || cfg.kmsKey.length === 0 || cfg.kmsKey.length > 2048)
  )
    throw invalid("Invalid parameter at 'encryptionConfiguration.kmsKey'");
  // Without a key ECR uses the AWS managed key aws/ecr.
  return {
    encryptionType: type,
    kmsKey: (cfg.kmsKey as string | undefined) ?? `arn:aws:kms:${region}:${accountId}:alias/aws/ecr`,
  };
}

function repoFromArn(r: ServiceRequest<EcrState>, arn: unknown): EcrRepository {
  const match =
    typeof arn === 'string' ? /^arn:aws[a-z-]*:ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)$/.exec(arn) : null;
  if (!match) throw invalid(`Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'`);
  const [, region = '', registryId = '', name = ''] = match;
  const repo = r.state.repositories.get(repositoryKey(region, name));
  if (!repo || repo.registryId !== registryId) throw notFound(name, registryId);
  return repo;
}

function seedRepositories(
  world: World,
  accountId: string,
  region: string,
  now: number,
): Map<string, EcrRepository> {
  const repos = new Map<string, EcrRepository>();
  for (const raw of (world.ecr?.repositories ?? []) as Array<Record<string, unknown>>) {
    const name = String(raw.name ?? raw.repositoryName);
    const repoRegion = typeof raw.region === 'string' ? raw.region : region;
    const { mutability, filters } = checkMutability(
      raw.imageTagMutability,
      raw.imageTagMutabilityExclusionFilters,
    );
    const images = new Map<string, EcrImage>();
    const imageTags = Array.isArray(raw.imageTags) ? (raw.imageTags as string[]) : [];
    imageTags.forEach((tag, i) => {
      const digest = `sha256:${i.toString(16).padStart(64, '0')}`;
      images.set(digest, { digest, tags: new Set([tag]), pushedAt: now, manifest: '{}' });
    });
    const encryption = checkEncryption(
      { encryptionType: raw.encryptionType, ...(raw.kmsKey ? { kmsKey: raw.kmsKey } : {}) },
      repoRegion,
      accountId,
    );
    repos.set(repositoryKey(repoRegion, name), {
      name,
      region: repoRegion,
      registryId: accountId,
      createdAt: now,
      imageTagMutability: mutability,
      exclusionFilters: filters,
      scanOnPush: raw.scanOnPush === true,
      ...encryption,
      tags: new Map(Object.entries((raw.tags ?? {}) as Record<string, string>)),
      ...(raw.lifecyclePolicy !== undefined
        ? {
            lifecyclePolicyText:
              typeof raw.lifecyclePolicy === 'string'
                ? raw.lifecyclePolicy
                : JSON.stringify(raw.lifecyclePolicy),
          }
        : {}),
      ...(raw.policy !== undefined
        ? { policyText: typeof raw.policy === 'string' ? raw.policy : JSON.stringify(raw.policy) }
        : {}),
      images,
    });
  }
  return repos;
}

const SCAN_FILTER_RE = /^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$/;

/** Validates a registry scanning configuration as ECR does (ValidationException otherwise). */
function checkRegistryScanning(value: unknown): RegistryScanning {
  const bad = (message: string) => new AwsError('ValidationException', message);
  const v = (value ?? {}) as { scanType?: unknown; rules?: unknown };
  const scanType = v.scanType ?? 'BASIC';
  if (scanType !== 'BASIC' && scanType !== 'ENHANCED')
    throw bad(
      `1 validation error detected: Value '${String(scanType)}' at 'scanType' failed to satisfy constraint: Member must satisfy enum value set: [BASIC, ENHANCED]`,
    );
  const rules = v.rules ?? [];
  if (!Array.isArray(rules) || rules.length > 2)
    throw bad(
      "1 validation error detected: Value at 'rules' failed to satisfy constraint: Member must have length less than or equal to 2",
    );
  return {
    scanType,
    rules: rules.map((rule: { scanFrequency?: unknown; repositoryFilters?: unknown }, i) => {
      const frequency = rule?.scanFrequency;
      if (frequency !== 'SCAN_ON_PUSH' && frequency !== 'CONTINUOUS_SCAN' && frequency !== 'MANUAL')
        throw bad(
          `Value '${String(frequency)}' at 'rules.${i + 1}.member.scanFrequency' failed to satisfy constraint: Member must satisfy enum value set: [SCAN_ON_PUSH, CONTINUOUS_SCAN, MANUAL]`,
        );
      if (frequency === 'CONTINUOUS_SCAN' && scanType === 'BASIC')
        throw bad('CONTINUOUS_SCAN is not supported for BASIC scan type.');
      const filters = rule.repositoryFilters;
      if (!Array.isArray(filters) || filters.length < 1 || filters.length > 100)
        throw bad(
          `Value at 'rules.${i + 1}.member.repositoryFilters' failed to satisfy constraint: Member must have length between 1 and 100`,
        );
      return {
        scanFrequency: frequency,
        repositoryFilters: filters.map((f: { filter?: unknown; filterType?: unknown }) => {
          if (typeof f?.filter !== 'string' || f.filter.length > 255 || !SCAN_FILTER_RE.test(f.filter))
            throw bad(
              `Value '${String(f?.filter)}' at 'rules.${i + 1}.member.repositoryFilters.member.filter' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9*](?:[._-/a-z0-9*]?[a-z0-9*]+)*$`,
            );
          if (f.filterType !== 'WILDCARD')
            throw bad(
              `Value '${String(f.filterType)}' at 'filterType' failed to satisfy constraint: Member must satisfy enum value set: [WILDCARD]`,
            );
          return { filter: f.filter, filterType: 'WILDCARD' as const };
        }),
      };
    }),
  };
}

const byName = (input: Record<string, unknown>, r: ServiceRequest<EcrState>): string =>
  typeof input.repositoryName === 'string'
    ? repositoryArnOf({ region: r.region, registryId: r.accountId, name: input.repositoryName })
    : '*';

/**
 * The ECR service module.
 * @example const emu = await startEmulator({ seed: { ecr: { repositories: [{ name: 'team/app', imageTagMutability: 'IMMUTABLE', imageTags: ['1.0.0'] }] } } })
 */
export const ecr = defineService<EcrState>({
  signingName: 'ecr',
  protocol: { kind: 'json', targetPrefix: 'AmazonEC2ContainerRegistry_V20150921', jsonVersion: '1.1' },
  behaviourDefaults: { ecrTokenTtlSeconds: 12 * 3600 },
  createState: (world, context) => ({
    accountId: context.accountId,
    repositories: seedRepositories(world, context.accountId, context.region, context.clock.now()),
    tokens: new Map(),
    registryScanning: new Map(),
    seededScanning:
      world.ecr?.registryScanning !== undefined
        ? checkRegistryScanning(world.ecr.registryScanning)
        : undefined,
  }),
  operations: {
    CreateRepository: {
      mutating: true,
      logInput: ['repositoryName', 'imageTagMutability'],
      resource: byName,
      handler(r) {
        const name = validateName(r.input.repositoryName);
        const { mutability, filters } = checkMutability(
          r.input.imageTagMutability,
          r.input.imageTagMutabilityExclusionFilters,
        );
        const scanOnPush = checkScanning(r.input.imageScanningConfiguration);
        const encryption = checkEncryption(r.input.encryptionConfiguration, r.region, r.accountId);
        const tags = checkTags(r.input.tags);
        const key = repositoryKey(r.region, name);
        if (r.state.repositories.has(key))
          throw new AwsError(
            'RepositoryAlreadyExistsException',
            `The repository with name '${name}' already exists in the registry with id '${r.accountId}'`,
            400,
          );
        const repo: EcrRepository = {
          name,
          region: r.region,
          registryId: r.accountId,
          createdAt: r.clock.now(),
          imageTagMutability: mutability,
          exclusionFilters: filters,
          scanOnPush,
          ...encryption,
          tags,
          images: new Map(),
        };
        r.state.repositories.set(key, repo);
        return { repository: describe(repo) };
      },
    },
    DescribeRepositories: {
      logInput: ['repositoryNames', 'maxResults'],
      handler(r) {
        const names = r.input.repositoryNames as unknown[] | undefined;
        const maxResults = r.input.maxResults as number | undefined;
        if (names !== undefined) {
          if (!Array.isArray(names) || names.length < 1 || names.length > 100)
            throw invalid(
              "Invalid parameter at 'repositoryNames' failed to satisfy constraint: 'Member must have length between 1 and 100'",
            );
          if (r.input.nextToken !== undefined || maxResults !== undefined)
            throw invalid('maxResults and nextToken cannot be used with repositoryNames');
          return { repositories: names.map((n) => describe(findRepo(r, n))) };
        }
        if (
          maxResults !== undefined &&
          (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000)
        )
          throw invalid(
            "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value between 1 and 1000'",
          );
        const all = [...r.state.repositories.values()]
          .filter((repo) => repo.region === r.region)
          .sort((a, b) => (a.name < b.name ? -1 : 1));
        const page = paginate(
          all,
          r.input.nextToken as string | undefined,
          maxResults ?? 100,
          'InvalidParameterException',
        );
        return {
          repositories: page.items.map(describe),
          ...(page.nextToken ? { nextToken: page.nextToken } : {}),
        };
      },
    },
    ListImages: {
      logInput: ['repositoryName', 'maxResults'],
      resource: byName,
      handler(r) {
        const repo = findRepo(r, r.input.repositoryName);
        const maxResults = r.input.maxResults as number | undefined;
        if (
          maxResults !== undefined &&
          (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000)
        )
          throw invalid(
            "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value between 1 and 1000'",
          );
        const ids = [...repo.images.values()]
          .sort((a, b) => (a.digest < b.digest ? -1 : 1))
          .flatMap((image) =>
            image.tags.size === 0
              ? [{ imageDigest: image.digest }]
              : [...image.tags].map((imageTag) => ({ imageDigest: image.digest, imageTag })),
          );
        const page = paginate(
          ids,
          r.input.nextToken as string | undefined,
          maxResults ?? 100,
          'InvalidParameterException',
        );
        return { imageIds: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
      },
    },
    DeleteRepository: {
      mutating: true,
      logInput: ['repositoryName', 'force'],
      resource: byName,
      handler(r) {
        const repo = findRepo(r, r.input.repositoryName);
        if (repo.images.size > 0 && r.input.force !== true)
          throw new AwsError(
            'RepositoryNotEmptyException',
            `The repository with name '${repo.name}' in registry with id '${repo.registryId}' cannot be deleted because it still contains images`,
            400,
          );
        r.state.repositories.delete(repositoryKey(repo.region, repo.name));
        return { repository: describe(repo) };
      },
    },
    PutLifecyclePolicy: {
      mutating: true,
      logInput: ['repositoryName'],
      resource: byName,
      handler(r) {
        const repo = findRepo(r, r.input.repositoryName);
        repo.lifecyclePolicyText = checkLifecyclePolicy(r.input.lifecyclePolicyText);
        return {
          registryId: repo.registryId,
          repositoryName: repo.name,
          lifecyclePolicyText: repo.lifecyclePolicyText,
        };
      },
    },
    GetLifecyclePolicy: {
      logInput: ['repositoryName'],
      resource: byName,
      handler(r) {
        const repo = findRepo(r, r.input.repositoryName);
        if (repo.lifecyclePolicyText === undefined) throw lifecycleNotFound(repo);
        return {
          registryId: repo.registryId,
          repositoryName: repo.name,
          lifecyclePolicyText: repo.lifecyclePolicyText,
          lastEvaluatedAt: new Date(r.clock.now()),
        };
      },
    },
    DeleteLifecyclePolicy: {
      mutating: true,
      logInput: ['repositoryName'],
      resource: byName,
      handler(r) {
        const repo = findRepo(r, r.input.repositoryName);
        const text = repo.lifecyclePolicyText;
        if (text === undefined) throw lifecycleNotFound(repo);
        delete repo.lifecyclePolicyText;
        return {
          registryId: repo.registryId,
          repositoryName: repo.name,
          lifecyclePolicyText: text,
          lastEvaluatedAt: new Date(r.clock.now()),
        };
      },
    },
    PutImageScanningConfiguration: {
      mutating: true,
      logInput: ['repositoryName'],
      resource: byName,
      handler(r) {
        const repo = findRepo(r, r.input.repositoryName);
        if (r.input.imageScanningConfiguration === undefined)
          throw invalid(
            "Invalid parameter at 'imageScanningConfiguration' failed to satisfy constraint: 'must not be null'",
          );
        repo.scanOnPush = checkScanning(r.input.imageScanningConfiguration);
        return {
          registryId: repo.registryId,
          repositoryName: repo.name,
          imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
        };
      },
    },
    GetRegistryScanningConfiguration: {
      handler(r) {
        const config = r.state.registryScanning.get(r.region) ??
          r.state.seededScanning ?? { scanType: 'BASIC', rules: [] };
        return { registryId: r.accountId, scanningConfiguration: config };
      },
    },
    PutRegistryScanningConfiguration: {
      mutating: true,
      logInput: ['scanType'],
      handler(r) {
        const config = checkRegistryScanning({
          scanType: r.input.scanType ?? 'BASIC',
          rules: r.input.rules ?? [],
        });
        r.state.registryScanning.set(r.region, config);
        return { registryScanningConfiguration: config };
      },
    },
    PutImageTagMutability: {
      mutating: true,
      logInput: ['repositoryName', 'imageTagMutability'],
      resource: byName,
      handler(r) {
        const repo = findRepo(r, r.input.repositoryName);
        if (r.input.imageTagMutability === undefined)
          throw invalid(
            "Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'must not be null'",
          );
        const { mutability, filters } = checkMutability(
          r.input.imageTagMutability,
          r.input.imageTagMutabilityExclusionFilters,
        );
        repo.imageTagMutability = mutability;
        repo.exclusionFilters = filters;
        return {
          registryId: repo.registryId,
          repositoryName: repo.name,
          imageTagMutability: mutability,
          ...(filters.length ? { imageTagMutabilityExclusionFilters: filters } : {}),
        };
      },
    },
    SetRepositoryPolicy: {
      mutating: true,
      logInput: ['repositoryName', 'force'],
      resource: byName,
      handler(r) {
        const repo = findRepo(r, r.input.repositoryName);
        repo.policyText = checkRepositoryPolicy(r.input.policyText);
        return { registryId: repo.registryId, repositoryName: repo.name, policyText: repo.policyText };
      },
    },
    GetRepositoryPolicy: {
      logInput: ['repositoryName'],
      resource: byName,
      handler(r) {
        const repo = findRepo(r, r.input.repositoryName);
        if (repo.policyText === undefined) throw policyNotFound(repo);
        return { registryId: repo.registryId, repositoryName: repo.name, policyText: repo.policyText };
      },
    },
    DeleteRepositoryPolicy: {
      mutating: true,
      logInput: ['repositoryName'],
      resource: byName,
      handler(r) {
        const repo = findRepo(r, r.input.repositoryName);
        const text = repo.policyText;
        if (text === undefined) throw policyNotFound(repo);
        delete repo.policyText;
        return { registryId: repo.registryId, repositoryName: repo.name, policyText: text };
      },
    },
    TagResource: {
      mutating: true,
      logInput: ['resourceArn'],
      resource: (input) => String(input.resourceArn ?? '*'),
      handler(r) {
        const repo = repoFromArn(r, r.input.resourceArn);
        if (!Array.isArray(r.input.tags))
          throw invalid("Invalid parameter at 'tags' failed to satisfy constraint: 'must not be null'");
        repo.tags = checkTags(r.input.tags, repo.tags);
        return {};
      },
    },
    UntagResource: {
      mutating: true,
      logInput: ['resourceArn'],
      resource: (input) => String(input.resourceArn ?? '*'),
      handler(r) {
        const repo = repoFromArn(r, r.input.resourceArn);
        const keys = r.input.tagKeys;
        if (!Array.isArray(keys))
          throw invalid("Invalid parameter at 'tagKeys' failed to satisfy constraint: 'must not be null'");
        for (const k of keys) repo.tags.delete(String(k));
        return {};
      },
    },
    ListTagsForResource: {
      logInput: ['resourceArn'],
      resource: (input) => String(input.resourceArn ?? '*'),
      handler(r) {
        return { tags: tagList(repoFromArn(r, r.input.resourceArn).tags) };
      },
    },
    GetAuthorizationToken: {
      // Not a mutation of any resource: a token is handed out (docs/AWS-FACTS.md#ecr-getauthorizationtoken: valid 12 h).
      logInput: [],
      handler(r) {
        const ids = (r.input.registryIds as string[] | undefined) ?? [r.accountId];
        const ttl = Number(r.behaviour.ecrTokenTtlSeconds ?? 12 * 3600);
        return {
          authorizationData: ids.map((registryId) => {
            const password = `eyJ${r.random.chars(120, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')}`;
            const expiresAt = r.clock.inSeconds(ttl);
            r.state.tokens.set(password, {
              accessKeyId: r.caller.accessKeyId,
              region: r.region,
              registryId,
              expiresAt,
            });
            return {
              authorizationToken: Buffer.from(`AWS:${password}`, 'utf8').toString('base64'),
              expiresAt: new Date(expiresAt),
              proxyEndpoint: `https://${registryHostOf(registryId, r.region)}`,
            };
          }),
        };
      },
    },
  },
});

function lifecycleNotFound(repo: EcrRepository): AwsError {
  return new AwsError(
    'LifecyclePolicyNotFoundException',
    `Lifecycle policy does not exist for the repository with name '${repo.name}' in the registry with id '${repo.registryId}'`,
    400,
  );
}

function policyNotFound(repo: EcrRepository): AwsError {
  return new AwsError(
    'RepositoryPolicyNotFoundException',
    `Repository policy does not exist for the repository with name '${repo.name}' in the registry with id '${repo.registryId}'`,
    400,
  );
}
