/**
 * ECR lifecycle policies as data. Rules get `rulePriority` from their order, and a `tagStatus: any`
 * rule must have the highest priority (AWS ECR User Guide, "Lifecycle policy properties";
 * docs/AWS-FACTS.md#ecr-lifecycle-policies), which {@link lifecyclePolicy} enforces.
 */
import { InvalidInputError } from '@eks-kit/core';

/** The selection of a lifecycle rule, in ECR's JSON shape. */
export interface LifecycleSelection {
  tagStatus: 'tagged' | 'untagged' | 'any';
  tagPrefixList?: string[];
  tagPatternList?: string[];
  countType: 'imageCountMoreThan' | 'sinceImagePushed';
  countUnit?: 'days';
  countNumber: number;
}

/** A lifecycle rule before a priority is given to it. */
export interface LifecycleRuleInput {
  /** Explicit priority; else the rule's position (1-based) after the explicit ones. */
  rulePriority?: number;
  description?: string;
  selection: LifecycleSelection;
}

/** A lifecycle rule as ECR stores it. */
export interface LifecycleRule {
  rulePriority: number;
  description?: string;
  selection: LifecycleSelection;
  action: { type: 'expire' };
}

/** A lifecycle policy document (`JSON.stringify` it for PutLifecyclePolicy). */
export interface LifecyclePolicy {
  rules: LifecycleRule[];
}

function positiveInteger(value: unknown, field: string, max = 1_000_000): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
    throw new InvalidInputError(field, value, `a whole number from 1 to ${max}`);
  return value;
}

/**
 * Keep the newest `count` tagged images (all tags, or only tags starting with one of `prefixes`);
 * older ones expire. With several prefixes ECR selects images carrying all of them: pass one prefix
 * per rule for "any of".
 *
 * @example
 * ```ts
 * keepLastTaggedImages(30);          // tagPatternList ['*'], imageCountMoreThan 30
 * keepLastTaggedImages(10, ['v']);   // tagPrefixList ['v']
 * ```
 */
export function keepLastTaggedImages(count: number, prefixes?: readonly string[]): LifecycleRuleInput {
  positiveInteger(count, 'keepLastTaggedImages.count', 10_000);
  if (prefixes !== undefined) {
    if (!Array.isArray(prefixes) || prefixes.length === 0)
      throw new InvalidInputError(
        'keepLastTaggedImages.prefixes',
        prefixes,
        'a non-empty list of tag prefixes',
      );
    prefixes.forEach((p, i) => {
      if (typeof p !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(p))
        throw new InvalidInputError(
          `keepLastTaggedImages.prefixes[${i}]`,
          p,
          'a tag prefix of letters, digits, _ . -',
        );
    });
  }
  const what = prefixes ? `tags starting with ${prefixes.join(', ')}` : 'tagged images';
  return {
    description: `keep the last ${count} ${what}`,
    selection: {
      tagStatus: 'tagged',
      // `tagged` needs a tagPrefixList or a tagPatternList; `*` matches every tag.
      ...(prefixes ? { tagPrefixList: [...prefixes] } : { tagPatternList: ['*'] }),
      countType: 'imageCountMoreThan',
      countNumber: count,
    },
  };
}

/**
 * Expire untagged images (kaniko's and BuildKit's superseded layers and manifests) `days` after push.
 *
 * @example
 * ```ts
 * expireUntaggedAfterDays(14); // { selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 } }
 * ```
 */
export function expireUntaggedAfterDays(days: number): LifecycleRuleInput {
  positiveInteger(days, 'expireUntaggedAfterDays.days', 36_500);
  return {
    description: `expire untagged images ${days} days after push`,
    selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days },
  };
}

/**
 * Keep the newest `count` images whatever their tags (`tagStatus: any`); {@link lifecyclePolicy} puts it last.
 *
 * @example
 * ```ts
 * lifecyclePolicy([keepLastImages(100), expireUntaggedAfterDays(7)]); // the `any` rule gets priority 2
 * ```
 */
export function keepLastImages(count: number): LifecycleRuleInput {
  positiveInteger(count, 'keepLastImages.count', 10_000);
  return {
    description: `keep the last ${count} images`,
    selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: count },
  };
}

/**
 * Expire every image (tagged or not) `days` after push: for cache repositories, whose entries are
 * cheap to rebuild. A `tagStatus: any` rule, so {@link lifecyclePolicy} numbers it last.
 *
 * @example
 * ```ts
 * lifecyclePolicy([expireImagesAfterDays(14)]); // kaniko --cache-repo clean-up
 * ```
 */
export function expireImagesAfterDays(days: number): LifecycleRuleInput {
  positiveInteger(days, 'expireImagesAfterDays.days', 36_500);
  return {
    description: `expire images ${days} days after push`,
    selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days },
  };
}

function checkSelection(selection: LifecycleSelection, field: string): LifecycleSelection {
  if (!selection || typeof selection !== 'object')
    throw new InvalidInputError(field, selection, 'a rule selection');
  const { tagStatus, countType } = selection;
  if (tagStatus !== 'tagged' && tagStatus !== 'untagged' && tagStatus !== 'any')
    throw new InvalidInputError(`${field}.tagStatus`, tagStatus, 'tagged, untagged or any');
  const lists = (selection.tagPrefixList ? 1 : 0) + (selection.tagPatternList ? 1 : 0);
  if (tagStatus === 'tagged' && lists !== 1)
    throw new InvalidInputError(
      `${field}.tagPrefixList`,
      undefined,
      'exactly one of tagPrefixList or tagPatternList for tagStatus tagged',
    );
  if (tagStatus !== 'tagged' && lists !== 0)
    throw new InvalidInputError(`${field}.tagPrefixList`, 'a list', `no tag list for tagStatus ${tagStatus}`);
  for (const [i, pattern] of (selection.tagPatternList ?? []).entries()) {
    if ((pattern.match(/\*/g) ?? []).length > 4)
      throw new InvalidInputError(
        `${field}.tagPatternList[${i}]`,
        pattern,
        'a tag pattern with at most 4 wildcards',
      );
  }
  positiveInteger(selection.countNumber, `${field}.countNumber`);
  if (countType === 'sinceImagePushed') {
    if (selection.countUnit !== 'days')
      throw new InvalidInputError(
        `${field}.countUnit`,
        selection.countUnit,
        'days for countType sinceImagePushed',
      );
  } else if (countType === 'imageCountMoreThan') {
    if (selection.countUnit !== undefined)
      throw new InvalidInputError(
        `${field}.countUnit`,
        selection.countUnit,
        'no countUnit for imageCountMoreThan',
      );
  } else {
    throw new InvalidInputError(`${field}.countType`, countType, 'imageCountMoreThan or sinceImagePushed');
  }
  return {
    tagStatus,
    ...(selection.tagPrefixList ? { tagPrefixList: [...selection.tagPrefixList] } : {}),
    ...(selection.tagPatternList ? { tagPatternList: [...selection.tagPatternList] } : {}),
    countType,
    ...(selection.countUnit ? { countUnit: selection.countUnit } : {}),
    countNumber: selection.countNumber,
  };
}

/**
 * Assemble a lifecycle policy: rules without a priority are numbered after the explicit ones in the
 * order given, except that a `tagStatus: any` rule is always numbered last; priorities must be unique,
 * there may be one `any` rule, and it must have the highest priority (ECR refuses the policy otherwise).
 *
 * @example
 * ```ts
 * JSON.stringify(lifecyclePolicy([expireUntaggedAfterDays(14), keepLastTaggedImages(30)]));
 * // {"rules":[{"rulePriority":1,...untagged...},{"rulePriority":2,...tagged...}]}
 * ```
 */
export function lifecyclePolicy(rules: readonly LifecycleRuleInput[]): LifecyclePolicy {
  if (!Array.isArray(rules) || rules.length === 0)
    throw new InvalidInputError('lifecyclePolicy.rules', rules, 'a non-empty list of rules');
  const explicit = rules.filter((r) => r.rulePriority !== undefined);
  let next = Math.max(0, ...explicit.map((r) => r.rulePriority ?? 0)) + 1;
  const ordered = [
    ...rules.filter((r) => r.rulePriority !== undefined || r.selection?.tagStatus !== 'any'),
    ...rules.filter((r) => r.rulePriority === undefined && r.selection?.tagStatus === 'any'),
  ];
  const out: LifecycleRule[] = ordered.map((rule) => {
    const index = rules.indexOf(rule);
    const field = `lifecyclePolicy.rules[${index}]`;
    const rulePriority =
      rule.rulePriority === undefined ? next++ : positiveInteger(rule.rulePriority, `${field}.rulePriority`);
    return {
      rulePriority,
      ...(rule.description ? { description: rule.description } : {}),
      selection: checkSelection(rule.selection, `${field}.selection`),
      action: { type: 'expire' },
    };
  });
  out.sort((a, b) => a.rulePriority - b.rulePriority);
  const seen = new Set<number>();
  for (const rule of out) {
    if (seen.has(rule.rulePriority))
      throw new InvalidInputError('lifecyclePolicy.rules', rule.rulePriority, 'unique rulePriority values');
    seen.add(rule.rulePriority);
  }
  const anyRules = out.filter((r) => r.selection.tagStatus === 'any');
  if (anyRules.length > 1)
    throw new InvalidInputError(
      'lifecyclePolicy.rules',
      `${anyRules.length} any rules`,
      'at most one rule with tagStatus any',
    );
  const last = out[out.length - 1];
  if (anyRules.length === 1 && last?.selection.tagStatus !== 'any')
    throw new InvalidInputError(
      'lifecyclePolicy.rules',
      anyRules[0]?.rulePriority,
      'the tagStatus any rule to have the highest rulePriority (ECR evaluates it last)',
    );
  return { rules: out };
}
