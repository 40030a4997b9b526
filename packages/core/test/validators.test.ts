import { describe, expect, it } from 'vitest';
import {
  formatArn,
  InvalidInputError,
  parseArn,
  partitionOfRegion,
  validateAccountId,
  validateClusterName,
  validateDnsName,
  validateRegion,
  validateTagKey,
  validateTags,
  validateTagValue,
} from '../src/index.js';

function refusal(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    return e as InvalidInputError;
  }
  throw new Error('expected an InvalidInputError');
}

describe('validateRegion', () => {
  it.each(['us-east-1', 'ap-northeast-1', 'cn-north-1', 'us-gov-west-1', 'eusc-de-east-1', 'il-central-1'])(
    'accepts %s',
    (r) => {
      expect(validateRegion(r)).toBe(r);
    },
  );
  it.each(['tokyo', 'eu-west', 'EU-WEST-1', '', 'us-east-1a'])('refuses %j naming the field', (r) => {
    expect(refusal(() => validateRegion(r, 'cluster.region')).field).toBe('cluster.region');
  });
  it('refuses a well-formed but unknown region, suggesting the nearest (a typo fails here, not as a DNS error)', () => {
    const e = refusal(() => validateRegion('eu-wst-1', 'cluster.region'));
    expect(e.field).toBe('cluster.region');
    expect(e.message).toContain('did you mean eu-west-1?');
    expect(refusal(() => validateRegion('mars-north-1')).message).toContain('a known AWS region');
    expect(validateRegion('mars-north-1', 'region', { allowUnknown: true })).toBe('mars-north-1');
  });
  it('maps regions to partitions', () => {
    expect(partitionOfRegion('cn-northwest-1')).toBe('aws-cn');
    expect(partitionOfRegion('us-gov-east-1')).toBe('aws-us-gov');
    expect(partitionOfRegion('eu-central-1')).toBe('aws');
  });
});

describe('ARNs', () => {
  it('parses and formats aws, aws-cn and aws-us-gov ARNs', () => {
    for (const arn of [
      'arn:aws:iam::123456789012:role/path/cluster-autoscaler',
      'arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc',
      'arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/app/web',
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:uuid:autoScalingGroupName/workers',
    ]) {
      expect(formatArn(parseArn(arn))).toBe(arn);
    }
    expect(parseArn('arn:aws:iam::123456789012:role/x').resource).toBe('role/x');
  });
  it.each([
    'arn:aws:iam::123:role/x',
    'arn:azure:iam::123456789012:role/x',
    'not-an-arn',
    'arn:aws:iam::123456789012:',
  ])('refuses %s', (arn) => {
    expect(refusal(() => parseArn(arn, 'roleArn')).field).toBe('roleArn');
  });
  it('checks account ids', () => {
    expect(validateAccountId('123456789012')).toBe('123456789012');
    expect(refusal(() => validateAccountId('12345', 'accountId')).message).toContain('12-digit');
  });
});

describe('validateDnsName', () => {
  it('normalises case and the trailing dot', () => {
    expect(validateDnsName('Foo.Example.COM.')).toBe('foo.example.com');
    expect(validateDnsName('*.foo.example.com')).toBe('*.foo.example.com');
  });
  it.each([
    ['foo.*.example.com', 'leftmost'],
    ['*foo.example.com', 'not inside a label'],
    ['*.com', 'below a domain'],
    ['localhost', 'two labels'],
    ['-bad.example.com', 'hyphen'],
    ['a..example.com', 'labels'],
    [`${'a'.repeat(64)}.example.com`, 'labels'],
    ['10.0.0.1', 'IP'],
  ])('refuses %s (%s)', (name, words) => {
    expect(refusal(() => validateDnsName(name, 'certificates[0].domainName')).message).toContain(words);
  });
  it('can forbid wildcards', () => {
    expect(refusal(() => validateDnsName('*.a.com', 'zone', { allowWildcard: false })).message).toContain(
      'without a wildcard',
    );
  });
});

describe('cluster names and tags', () => {
  it('checks EKS cluster names', () => {
    expect(validateClusterName('prod-eks_1')).toBe('prod-eks_1');
    expect(refusal(() => validateClusterName('-prod', 'cluster.name')).field).toBe('cluster.name');
    expect(refusal(() => validateClusterName('a'.repeat(101))).message).toContain('1-100');
  });
  it('checks tag keys and values', () => {
    expect(validateTagKey('k8s.io/cluster-autoscaler/enabled')).toBe('k8s.io/cluster-autoscaler/enabled');
    expect(refusal(() => validateTagKey('aws:cloudformation:stack')).message).toContain('reserved');
    expect(refusal(() => validateTagKey('')).message).toContain('1-128');
    expect(refusal(() => validateTagKey('a'.repeat(129))).message).toContain('1-128');
    expect(refusal(() => validateTagValue('x'.repeat(257))).message).toContain('256');
    expect(refusal(() => validateTagValue('semi;colon')).message).toContain('tag value');
    expect(refusal(() => validateTags({ ok: 'yes', bad: 3 }, 'tags')).field).toBe('tags.bad');
    expect(
      refusal(() => validateTags(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']))))
        .message,
    ).toContain('at most 50');
  });
});
