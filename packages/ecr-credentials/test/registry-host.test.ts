import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { parseRegistryHost, registryHost, registryHostFor } from '../src/index.js';

// Grammar: amazon-ecr-credential-helper ecr-login/api/client.go (docs/AWS-FACTS.md#ecr-registry-hosts).
describe('parseRegistryHost: hosts the ecr-login helper serves', () => {
  const valid: [string, string, Partial<ReturnType<typeof parseRegistryHost>>][] = [
    [
      'standard',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      { region: 'eu-west-1', fips: false, dualStack: false },
    ],
    ['FIPS', '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com', { region: 'us-east-1', fips: true }],
    ['dual-stack', '123456789012.dkr-ecr.us-east-1.on.aws', { dualStack: true, dnsSuffix: 'on.aws' }],
    ['dual-stack FIPS', '123456789012.dkr-ecr-fips.us-east-1.on.aws', { dualStack: true, fips: true }],
    [
      'China',
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
      { region: 'cn-north-1', dnsSuffix: 'amazonaws.com.cn' },
    ],
    [
      'China dual-stack',
      '123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn',
      { dualStack: true },
    ],
    ['EU sovereign cloud', '123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu', { dnsSuffix: 'amazonaws.eu' }],
    ['US GovCloud', '123456789012.dkr.ecr.us-gov-west-1.amazonaws.com', { region: 'us-gov-west-1' }],
    ['US GovCloud FIPS', '123456789012.dkr.ecr-fips.us-gov-east-1.amazonaws.com', { fips: true }],
    ['ISO', '123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', { dnsSuffix: 'c2s.ic.gov' }],
    ['ISO-B', '123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov', { dnsSuffix: 'sc2s.sgov.gov' }],
  ];
  for (const [label, host, expected] of valid) {
    it(`accepts ${label}: ${host}`, () => {
      const parsed = parseRegistryHost(host);
      expect(parsed).toMatchObject({ host, kind: 'private', accountId: '123456789012', ...expected });
    });
  }

  it('accepts ECR Public (public.ecr.aws, tokens from us-east-1)', () => {
    expect(parseRegistryHost('public.ecr.aws')).toMatchObject({
      host: 'public.ecr.aws',
      kind: 'public',
      region: 'us-east-1',
    });
  });

  it('strips https://, a path, a tag and a trailing dot; lower-cases the host', () => {
    expect(registryHost('https://123456789012.DKR.ECR.eu-west-1.amazonaws.com/team/app:1.0')).toBe(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    );
    expect(registryHost('123456789012.dkr.ecr.eu-west-1.amazonaws.com./')).toBe(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    );
    expect(registryHost('https://public.ecr.aws/abc/app')).toBe('public.ecr.aws');
  });
});

describe('parseRegistryHost: refused hosts say why', () => {
  const rejected: [string, unknown, RegExp][] = [
    ['another registry', 'registry.gitlab.com', /ecr-login helper refuses any other registry/],
    ['Docker Hub', 'https://index.docker.io/v1/', /Amazon ECR registry host/],
    ['a short account id', '12345.dkr.ecr.eu-west-1.amazonaws.com', /12-digit account id/],
    ['an alias instead of the account id', 'prod.dkr.ecr.eu-west-1.amazonaws.com', /12-digit account id/],
    ['an unknown partition suffix', '123456789012.dkr.ecr.eu-west-1.example.com', /known partition/],
    ['ecr without dkr', '123456789012.ecr.eu-west-1.amazonaws.com', /dkr/],
    ['a port', '123456789012.dkr.ecr.eu-west-1.amazonaws.com:443', /without a port/],
    ['a wildcard', '*.dkr.ecr.eu-west-1.amazonaws.com', /no wildcards/],
    ['another ecr.aws host', 'gallery.ecr.aws', /public\.ecr\.aws/],
    ['an empty string', '', /ECR registry host/],
    ['a number', 42, /ECR registry host/],
  ];
  for (const [label, input, reason] of rejected) {
    it(`refuses ${label}`, () => {
      let error: unknown;
      try {
        parseRegistryHost(input, 'build.registry');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).field).toBe('build.registry');
      expect((error as Error).message).toMatch(reason);
    });
  }
});

describe('registryHostFor', () => {
  it('uses each partition DNS suffix and the dual-stack/FIPS spellings', () => {
    expect(registryHostFor('123456789012', 'eu-west-1')).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com');
    expect(registryHostFor('123456789012', 'cn-north-1')).toBe(
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
    );
    expect(registryHostFor('123456789012', 'us-east-1', { fips: true })).toBe(
      '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com',
    );
    expect(registryHostFor('123456789012', 'us-east-1', { dualStack: true })).toBe(
      '123456789012.dkr-ecr.us-east-1.on.aws',
    );
  });
});
