import { describe, expect, it } from 'vitest';
import {
  ADOPT_PREFIX,
  adoptChange,
  classifyOwnership,
  decideOwnership,
  EksKitError,
  isOwnershipError,
  NotOwnedError,
  OwnedByAnotherStackError,
  STACK_TAG_KEY,
  stackTagOf,
} from '../src/index.js';

describe('stackTagOf: the eks-kit:stack value in every tag shape AWS answers', () => {
  it.each([
    ['a map', { [STACK_TAG_KEY]: 'prod', team: 'web' }, 'prod'],
    [
      'Key/Value pairs',
      [
        { Key: 'team', Value: 'web' },
        { Key: STACK_TAG_KEY, Value: 'prod' },
      ],
      'prod',
    ],
    ['key/value pairs (ASG builders)', [{ key: STACK_TAG_KEY, value: 'prod' }], 'prod'],
    ['no tag', { team: 'web' }, undefined],
    ['no tags at all', undefined, undefined],
    [
      'an inherited key is not a tag',
      Object.create({ [STACK_TAG_KEY]: 'x' }) as Record<string, string>,
      undefined,
    ],
  ])('%s', (_name, tags, want) => {
    expect(stackTagOf(tags)).toBe(want);
  });
});

describe('classifyOwnership', () => {
  it('owned, foreign (naming the owner) and unowned', () => {
    expect(classifyOwnership({ [STACK_TAG_KEY]: 'prod' }, 'prod')).toEqual({ kind: 'owned', owner: 'prod' });
    expect(classifyOwnership({ [STACK_TAG_KEY]: 'other' }, 'prod')).toEqual({
      kind: 'foreign',
      owner: 'other',
    });
    expect(classifyOwnership({}, 'prod')).toEqual({ kind: 'unowned' });
    // an empty value is still a tag for some other (nameless) owner, never ours
    expect(classifyOwnership({ [STACK_TAG_KEY]: '' }, 'prod').kind).toBe('foreign');
  });
});

describe('decideOwnership: the one rule', () => {
  const base = { resource: 'iam role ca', stack: 'prod' };

  it('owned passes without adopting', () => {
    expect(decideOwnership({ ...base, tags: { [STACK_TAG_KEY]: 'prod' } })).toMatchObject({
      kind: 'owned',
      adopting: false,
    });
  });

  it('foreign is refused, also in a dry run and with adopt: the message names both stacks and the tag', () => {
    for (const extra of [{}, { dryRun: true }, { adopt: true }]) {
      let error: unknown;
      try {
        decideOwnership({ ...base, tags: { [STACK_TAG_KEY]: 'other' }, ...extra });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OwnedByAnotherStackError);
      const e = error as OwnedByAnotherStackError;
      expect(e.code).toBe('OwnedByAnotherStack');
      expect(e.exitCode).toBe(1);
      expect(e.message).toBe(
        'iam role ca belongs to stack other (tag eks-kit:stack=other), not prod: eks-kit never changes it',
      );
      expect(e.hint).toContain('eks-kit:stack=prod');
      expect(isOwnershipError(e)).toBe(true);
    }
  });

  it('unowned is refused by default, naming the tag and the way to adopt', () => {
    expect(() => decideOwnership({ ...base, tags: {} })).toThrow(NotOwnedError);
    try {
      decideOwnership({ ...base, tags: [] });
    } catch (e) {
      const error = e as EksKitError;
      expect(error.code).toBe('NotOwnedByStack');
      expect(error.message).toContain('without the tag eks-kit:stack');
      expect(error.hint).toMatch(/apply --adopt/);
      expect(error.hint).toMatch(/adopt: true/);
      expect(error.message).not.toContain('\n');
    }
  });

  it('unowned is adopted when asked, and shown as an adoption in a dry run', () => {
    expect(decideOwnership({ ...base, tags: {}, adopt: true })).toMatchObject({
      kind: 'unowned',
      adopting: true,
    });
    expect(decideOwnership({ ...base, tags: {}, dryRun: true })).toMatchObject({
      kind: 'unowned',
      adopting: true,
    });
  });

  it('other errors are not ownership errors', () => {
    expect(isOwnershipError(new EksKitError('ZoneNotFound', 'x'))).toBe(false);
    expect(isOwnershipError(new Error('x'))).toBe(false);
  });
});

describe('adoptChange', () => {
  it('says in words that the resource is taken over and which tag is added', () => {
    const asked = adoptChange('autoscaling group a', 'seed', true);
    expect(asked.summary.startsWith(ADOPT_PREFIX)).toBe(true);
    expect(asked.summary).toContain('add eks-kit:stack=seed');
    expect(asked.summary).not.toContain('needs apply --adopt');
    expect(asked.after).toEqual({ [STACK_TAG_KEY]: 'seed' });
    expect(adoptChange('autoscaling group a', 'seed').summary).toContain(
      'needs apply --adopt or adopt: true',
    );
  });
});
