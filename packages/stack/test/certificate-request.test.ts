import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { certificateRequest, normalisedCertificateRequest, parseStack } from '../src/index.js';

const seed = readFileSync(new URL('../../../examples/seed/eks-kit.yaml', import.meta.url), 'utf8');

describe('a stack certificate as its ACM request (one mapping for apply, check, cert and load)', () => {
  it('carries the names, key algorithm, region, stack name and tags', () => {
    const stack = parseStack(seed.replace(/^name: .*$/m, 'name: seed\ntags:\n  team: platform'));
    const cert = stack.certificates[0]!;
    expect(certificateRequest(stack, cert)).toEqual({
      domainName: '*.foo.example.com',
      subjectAlternativeNames: ['foo.example.com'],
      keyAlgorithm: 'RSA_2048',
      region: stack.cluster.region,
      stack: 'seed',
      tags: { team: 'platform' },
    });
  });

  it("uses the certificate's own region and zones when it names them", () => {
    const stack = parseStack(seed);
    const cert = { ...stack.certificates[0]!, region: 'us-east-1', zones: { 'foo.example.com': 'Z0123' } };
    const request = normalisedCertificateRequest(stack, cert);
    expect(request.region).toBe('us-east-1');
    expect(request.zones).toEqual({ 'foo.example.com': 'Z0123' });
    expect(request.names).toEqual(['*.foo.example.com', 'foo.example.com']);
  });

  it('is the same request whoever maps it (an equal idempotency material)', () => {
    const stack = parseStack(seed);
    const cert = stack.certificates[0]!;
    expect(normalisedCertificateRequest(stack, cert)).toEqual(
      normalisedCertificateRequest(stack, { ...cert }),
    );
  });
});
