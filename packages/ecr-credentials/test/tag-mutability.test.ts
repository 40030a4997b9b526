import { describe, expect, it } from 'vitest';
import { isTagImmutable } from '../src/index.js';

describe('isTagImmutable (ECR ImageTagMutabilityExclusionFilter, WILDCARD)', () => {
  it('MUTABLE never, IMMUTABLE always', () => {
    expect(isTagImmutable('MUTABLE', [], 'latest')).toBe(false);
    expect(isTagImmutable('IMMUTABLE', [], 'latest')).toBe(true);
  });

  it('IMMUTABLE_WITH_EXCLUSION: tags matching a filter stay mutable', () => {
    expect(isTagImmutable('IMMUTABLE_WITH_EXCLUSION', ['dev-*', 'latest'], 'dev-42')).toBe(false);
    expect(isTagImmutable('IMMUTABLE_WITH_EXCLUSION', ['dev-*', 'latest'], 'latest')).toBe(false);
    expect(isTagImmutable('IMMUTABLE_WITH_EXCLUSION', ['dev-*', 'latest'], '1.0.0')).toBe(true);
  });

  it('MUTABLE_WITH_EXCLUSION: only tags matching a filter are immutable', () => {
    expect(isTagImmutable('MUTABLE_WITH_EXCLUSION', ['release-*'], 'release-1')).toBe(true);
    expect(isTagImmutable('MUTABLE_WITH_EXCLUSION', ['release-*'], 'latest')).toBe(false);
  });

  it('a filter is a whole-tag wildcard: dots are literal, * matches any run', () => {
    expect(isTagImmutable('MUTABLE_WITH_EXCLUSION', ['v1.*'], 'v1.2.3')).toBe(true);
    expect(isTagImmutable('MUTABLE_WITH_EXCLUSION', ['v1.*'], 'v1x2')).toBe(false);
    expect(isTagImmutable('MUTABLE_WITH_EXCLUSION', ['rc'], 'rc1')).toBe(false);
    expect(isTagImmutable('MUTABLE_WITH_EXCLUSION', ['*'], 'anything')).toBe(true);
  });
});
