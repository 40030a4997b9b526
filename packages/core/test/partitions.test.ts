import { describe, expect, it } from 'vitest';
import { isPartition, PARTITIONS, parseArn, partitionOfRegion } from '../src/index.js';

describe('the partition list (one copy, in core)', () => {
  it('knows every partition partitionOfRegion answers, and nothing else', () => {
    for (const region of ['eu-west-1', 'cn-north-1', 'us-gov-west-1', 'us-iso-east-1', 'us-isob-east-1'])
      expect(PARTITIONS).toContain(partitionOfRegion(region));
    expect(isPartition('aws-eusc')).toBe(true);
    expect(isPartition('azure')).toBe(false);
    expect(isPartition(undefined)).toBe(false);
  });

  it('is what parseArn accepts', () => {
    for (const partition of PARTITIONS)
      expect(parseArn(`arn:${partition}:iam::123456789012:role/x`).partition).toBe(partition);
    expect(() => parseArn('arn:azure:iam::123456789012:role/x', 'roleArn')).toThrow(/roleArn/);
  });
});
