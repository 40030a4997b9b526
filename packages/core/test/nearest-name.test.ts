import { describe, expect, it } from 'vitest';
import { nearestName, validateRegion } from '../src/index.js';

describe('nearestName (one "did you mean" rule)', () => {
  it('suggests the nearest known name, ignoring case, and nothing when none is near', () => {
    expect(nearestName('regoin', ['name', 'region'])).toBe('region');
    expect(nearestName('DomainName', ['domainName', 'region'])).toBe('domainName');
    expect(nearestName('zzzzzzzz', ['name', 'region'])).toBeUndefined();
    expect(nearestName('x', [])).toBeUndefined();
  });

  it('counts a name contained in a known one as near (a shortened key)', () => {
    expect(nearestName('subjectAltNames', ['domainName', 'subjectAlternativeNames'])).toBe(
      'subjectAlternativeNames',
    );
    expect(nearestName('domain', ['domainName', 'zones'])).toBe('domainName');
  });

  it('keeps the limit it is given: Infinity always answers', () => {
    expect(nearestName('eu-wst-1', ['eu-west-1'], { maxDistance: 0 })).toBeUndefined();
    expect(nearestName('qqqqqqqqqq', ['ec2'], { maxDistance: Number.POSITIVE_INFINITY })).toBe('ec2');
  });

  it('is the rule validateRegion suggests with', () => {
    expect(() => validateRegion('eu-wst-1', 'cluster.region')).toThrow(/did you mean eu-west-1\?/);
  });
});
