/** The same certificate names in two regions (CloudFront in us-east-1, a load balancer in the cluster region). */
import { describe, expect, it } from 'vitest';
import { parseStack } from '../src/index.js';
import { BASE_STACK as base, refusal } from './support/stack-text.js';

describe('certificates: the same names in two regions', () => {
  it('accepts the same names in us-east-1 (CloudFront) and in the cluster region (load balancer)', () => {
    const stack = parseStack(
      `${base}certificates:\n  - domainName: app.example.com\n  - domainName: app.example.com\n    region: us-east-1\n`,
      'eks-kit.yaml',
    );
    expect(stack.certificates.map((c) => c.region ?? stack.cluster.region)).toEqual([
      'eu-west-1',
      'us-east-1',
    ]);
  });

  it('still refuses the same names twice in one region (the cluster region written out counts)', () => {
    const error = refusal(
      `${base}certificates:\n  - domainName: app.example.com\n  - domainName: app.example.com\n    region: eu-west-1\n`,
    );
    expect(error.message).toMatch(/certificates\[1\]\.domainName: expected a certificate not already listed/);
  });
});
