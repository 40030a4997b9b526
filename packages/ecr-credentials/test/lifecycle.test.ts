import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  expireUntaggedAfterDays,
  keepLastImages,
  keepLastTaggedImages,
  lifecyclePolicy,
} from '../src/index.js';

describe('lifecycle rule builders', () => {
  it('expireUntaggedAfterDays matches the documented shape (docs/AWS-FACTS.md#ecr-lifecycle-policies)', () => {
    expect(lifecyclePolicy([expireUntaggedAfterDays(14)])).toEqual({
      rules: [
        {
          rulePriority: 1,
          description: 'expire untagged images 14 days after push',
          selection: {
            tagStatus: 'untagged',
            countType: 'sinceImagePushed',
            countUnit: 'days',
            countNumber: 14,
          },
          action: { type: 'expire' },
        },
      ],
    });
  });

  it('keepLastTaggedImages uses a tag list, as tagStatus tagged requires', () => {
    expect(keepLastTaggedImages(30).selection).toEqual({
      tagStatus: 'tagged',
      tagPatternList: ['*'],
      countType: 'imageCountMoreThan',
      countNumber: 30,
    });
    expect(keepLastTaggedImages(5, ['v', 'release-']).selection.tagPrefixList).toEqual(['v', 'release-']);
  });

  it('refuses bad counts and prefixes naming the field', () => {
    expect(() => keepLastTaggedImages(0)).toThrow(/keepLastTaggedImages.count/);
    expect(() => keepLastTaggedImages(1.5)).toThrow(InvalidInputError);
    expect(() => keepLastTaggedImages(3, [])).toThrow(/prefixes/);
    expect(() => keepLastTaggedImages(3, ['bad prefix'])).toThrow(/prefixes\[0\]/);
    expect(() => expireUntaggedAfterDays(-1)).toThrow(/expireUntaggedAfterDays.days/);
  });
});

describe('lifecyclePolicy obeys the priority rule (tagStatus any evaluated last)', () => {
  it('numbers rules in order and moves an any rule to the highest priority', () => {
    const policy = lifecyclePolicy([
      keepLastImages(100),
      expireUntaggedAfterDays(7),
      keepLastTaggedImages(20),
    ]);
    expect(policy.rules.map((r) => [r.rulePriority, r.selection.tagStatus])).toEqual([
      [1, 'untagged'],
      [2, 'tagged'],
      [3, 'any'],
    ]);
  });

  it('numbers unprioritised rules after explicit ones', () => {
    const policy = lifecyclePolicy([
      { ...expireUntaggedAfterDays(7), rulePriority: 10 },
      keepLastTaggedImages(20),
    ]);
    expect(policy.rules.map((r) => r.rulePriority)).toEqual([10, 11]);
  });

  it('refuses an explicit any rule that is not the highest priority', () => {
    expect(() =>
      lifecyclePolicy([
        { ...keepLastImages(100), rulePriority: 1 },
        { ...expireUntaggedAfterDays(7), rulePriority: 2 },
      ]),
    ).toThrow(/highest rulePriority/);
  });

  it('refuses duplicate priorities, two any rules, and an empty list', () => {
    expect(() =>
      lifecyclePolicy([
        { ...keepLastTaggedImages(1), rulePriority: 1 },
        { ...expireUntaggedAfterDays(1), rulePriority: 1 },
      ]),
    ).toThrow(/unique rulePriority/);
    expect(() => lifecyclePolicy([keepLastImages(1), keepLastImages(2)])).toThrow(/at most one/);
    expect(() => lifecyclePolicy([])).toThrow(/non-empty/);
  });

  it('refuses a malformed hand-written selection', () => {
    expect(() =>
      lifecyclePolicy([
        { selection: { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 3 } },
      ]),
    ).toThrow(/tagPrefixList or tagPatternList/);
    expect(() =>
      lifecyclePolicy([
        { selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 3 } },
      ]),
    ).toThrow(/countUnit/);
  });

  it('is deterministic (same input, same JSON)', () => {
    const make = () =>
      JSON.stringify(lifecyclePolicy([expireUntaggedAfterDays(14), keepLastTaggedImages(30)]));
    expect(make()).toBe(make());
  });
});
