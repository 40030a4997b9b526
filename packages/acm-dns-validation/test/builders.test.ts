import { type EksKitError, InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  caaAllowsAmazon,
  caaLookupNames,
  chooseZone,
  type HostedZoneRef,
  idempotencyToken,
  keyAlgorithmOf,
  normaliseCertificateRequest,
  planChangeBatches,
  type ValidationRecord,
  validationRecordsOf,
} from '../src/index.js';

const fieldOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.field;
    throw error;
  }
  return undefined;
};

describe('normaliseCertificateRequest', () => {
  it('lower-cases, strips trailing dots, sorts and dedupes names, adds the stack tag', () => {
    const r = normaliseCertificateRequest(
      {
        domainName: '*.Foo.Example.com.',
        subjectAlternativeNames: ['foo.example.com', '*.foo.example.com', 'Foo.example.com'],
        stack: 'prod',
        tags: { team: 'web' },
      },
      'eu-west-1',
    );
    expect(r.names).toEqual(['*.foo.example.com', 'foo.example.com']);
    expect(r.keyAlgorithm).toBe('RSA_2048');
    expect(r.tags).toEqual({ 'eks-kit:stack': 'prod', team: 'web' });
    expect(r.region).toBe('eu-west-1');
  });

  it('refuses bad input naming the field', () => {
    const base = { domainName: 'app.example.com' };
    expect(fieldOf(() => normaliseCertificateRequest({ domainName: 'foo.*.example.com' }, 'eu-west-1'))).toBe(
      'domainName',
    );
    // docs/AWS-FACTS.md#acm-requestcertificate: DomainName <= 64 octets
    expect(
      fieldOf(() =>
        normaliseCertificateRequest({ domainName: `${'a'.repeat(55)}.example.com` }, 'eu-west-1'),
      ),
    ).toBe('domainName');
    expect(
      fieldOf(() =>
        normaliseCertificateRequest(
          { ...base, subjectAlternativeNames: ['ok.example.com', 'bad name'] },
          'eu-west-1',
        ),
      ),
    ).toBe('subjectAlternativeNames[1]');
    // docs/AWS-FACTS.md#acm-requestcertificate: default quota of 10 domain names per certificate
    const eleven = Array.from({ length: 10 }, (_, i) => `n${i}.example.com`);
    expect(
      fieldOf(() => normaliseCertificateRequest({ ...base, subjectAlternativeNames: eleven }, 'eu-west-1')),
    ).toBe('subjectAlternativeNames');
    expect(
      fieldOf(() =>
        normaliseCertificateRequest({ ...base, keyAlgorithm: 'RSA_4096' as 'RSA_2048' }, 'eu-west-1'),
      ),
    ).toBe('keyAlgorithm');
    expect(fieldOf(() => normaliseCertificateRequest({ ...base, region: 'tokyo' }, 'eu-west-1'))).toBe(
      'region',
    );
    expect(
      fieldOf(() =>
        normaliseCertificateRequest({ ...base, zones: { 'example.com': 'not a zone' } }, 'eu-west-1'),
      ),
    ).toBe('zones.example.com');
  });

  it('says CloudFront certificates must be in us-east-1', () => {
    try {
      normaliseCertificateRequest({ domainName: 'cdn.example.com', cloudFront: true }, 'eu-west-1');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).field).toBe('region');
      expect((error as InvalidInputError).hint).toContain('us-east-1');
    }
    expect(
      normaliseCertificateRequest({ domainName: 'cdn.example.com', cloudFront: true }, 'us-east-1').region,
    ).toBe('us-east-1');
  });
});

describe('keyAlgorithmOf', () => {
  it("reads ACM's hyphenated answer (RSA-2048) in the form RequestCertificate takes (RSA_2048)", () => {
    expect(keyAlgorithmOf('RSA-2048')).toBe('RSA_2048');
    expect(keyAlgorithmOf('EC-prime256v1')).toBe('EC_prime256v1');
    expect(keyAlgorithmOf('EC_secp384r1')).toBe('EC_secp384r1');
    expect(keyAlgorithmOf(undefined)).toBeUndefined();
  });
});

describe('idempotencyToken', () => {
  it('is deterministic, independent of name order and case, and matches ^\\w{1,32}$ (docs/AWS-FACTS.md#acm-requestcertificate)', () => {
    const a = idempotencyToken(
      normaliseCertificateRequest(
        { domainName: 'a.example.com', subjectAlternativeNames: ['b.example.com', 'c.example.com'] },
        'eu-west-1',
      ),
    );
    const b = idempotencyToken(
      normaliseCertificateRequest(
        { domainName: 'A.example.com.', subjectAlternativeNames: ['c.example.com', 'B.example.com'] },
        'eu-west-1',
      ),
    );
    expect(a).toBe(b);
    expect(a).toMatch(/^\w{1,32}$/);
    const ec = idempotencyToken(
      normaliseCertificateRequest(
        { domainName: 'a.example.com', keyAlgorithm: 'EC_prime256v1' },
        'eu-west-1',
      ),
    );
    expect(ec).not.toBe(a);
  });
});

describe('validationRecordsOf', () => {
  const record = { Name: '_a.foo.example.com.', Type: 'CNAME', Value: '_b.acm-validations.aws.' };
  it('dedupes the CNAME a wildcard and its apex share, without trailing dots', () => {
    expect(
      validationRecordsOf([
        { DomainName: '*.foo.example.com', ValidationMethod: 'DNS', ResourceRecord: record },
        { DomainName: 'foo.example.com', ValidationMethod: 'DNS', ResourceRecord: record },
      ]),
    ).toEqual([
      {
        name: '_a.foo.example.com',
        type: 'CNAME',
        value: '_b.acm-validations.aws',
        domains: ['*.foo.example.com', 'foo.example.com'],
      },
    ]);
  });
  it('is undefined while an option has no ResourceRecord yet', () => {
    expect(validationRecordsOf([{ DomainName: 'a.example.com', ValidationMethod: 'DNS' }])).toBeUndefined();
  });
});

describe('chooseZone', () => {
  const zones: HostedZoneRef[] = [
    { id: 'ZCOM', name: 'example.com', private: false },
    { id: 'ZFOO', name: 'foo.example.com', private: false },
    { id: 'ZPRIV', name: 'corp.example.com', private: true },
    { id: 'ZINT', name: 'internal.test', private: true },
    { id: 'ZDUP1', name: 'dup.test', private: false },
    { id: 'ZDUP2', name: 'dup.test', private: false },
  ];
  const code = (fn: () => unknown): string | undefined => {
    try {
      fn();
    } catch (error) {
      return (error as EksKitError).code;
    }
    return undefined;
  };
  it('picks the longest public zone that is a suffix, ignoring private zones', () => {
    expect(chooseZone('_x.a.foo.example.com', zones).id).toBe('ZFOO');
    expect(chooseZone('_x.corp.example.com', zones).id).toBe('ZCOM');
    expect(chooseZone('*.example.com', zones).id).toBe('ZCOM');
  });
  it('lets an explicit map win', () => {
    expect(chooseZone('_x.foo.example.com', zones, { 'foo.example.com': 'ZCOM' }).id).toBe('ZCOM');
    expect(chooseZone('_x.dup.test', zones, { 'dup.test': 'ZDUP2' }).id).toBe('ZDUP2');
  });
  it('explains private-only, ambiguous and missing zones', () => {
    expect(code(() => chooseZone('_x.api.internal.test', zones))).toBe('PrivateZoneOnly');
    expect(code(() => chooseZone('_x.dup.test', zones))).toBe('AmbiguousZone');
    expect(code(() => chooseZone('_x.nowhere.net', zones))).toBe('ZoneNotFound');
    expect(code(() => chooseZone('_x.foo.example.com', zones, { 'foo.example.com': 'ZGONE' }))).toBe(
      'ExplicitZoneNotFound',
    );
    expect(code(() => chooseZone('_x.api.internal.test', zones, { 'internal.test': 'ZINT' }))).toBe(
      'PrivateZoneOnly',
    );
    try {
      chooseZone('_x.dup.test', zones);
    } catch (error) {
      expect((error as EksKitError).hint).toContain('zones:');
    }
  });
});

describe('planChangeBatches', () => {
  const rec = (i: number, value = `_v${i}.acm-validations.aws`): ValidationRecord => ({
    name: `_n${i}.example.com`,
    type: 'CNAME',
    value,
    domains: [`n${i}.example.com`],
  });
  it('groups by zone and splits at 1,000 records, an UPSERT counting twice (docs/AWS-FACTS.md#route-53-change-batches)', () => {
    const upserts = Array.from({ length: 1201 }, (_, i) => ({ zoneId: 'Z1', record: rec(i) }));
    const batches = planChangeBatches([...upserts, { zoneId: 'Z0', record: rec(0) }]);
    expect(batches.map((b) => [b.zoneId, b.upserts.length])).toEqual([
      ['Z0', 1],
      ['Z1', 500],
      ['Z1', 500],
      ['Z1', 201],
    ]);
  });
  it('splits at 32,000 value characters, an UPSERT counting twice', () => {
    const long = `${'x'.repeat(199)}`;
    const upserts = Array.from({ length: 100 }, (_, i) => ({ zoneId: 'Z1', record: rec(i, long) }));
    const batches = planChangeBatches(upserts);
    for (const b of batches)
      expect(b.upserts.reduce((n, r) => n + 2 * (r.value.length + 1), 0)).toBeLessThanOrEqual(32_000);
    expect(batches.length).toBe(2);
  });
  it('dedupes the same record in the same zone', () => {
    expect(
      planChangeBatches([
        { zoneId: 'Z', record: rec(1) },
        { zoneId: 'Z', record: rec(1) },
      ])[0]?.upserts,
    ).toHaveLength(1);
  });
});

describe('CAA', () => {
  it('allows Amazon only when an issue tag names one of its CA domains (docs/AWS-FACTS.md#acm-caa)', () => {
    expect(caaAllowsAmazon([])).toBe(true);
    expect(caaAllowsAmazon(['0 issue "letsencrypt.org"'])).toBe(false);
    expect(caaAllowsAmazon(['0 issue "letsencrypt.org"', '0 issue "amazontrust.com"'])).toBe(true);
    expect(caaAllowsAmazon(['0 issue "amazon.com"', '0 issuewild ";"'], true)).toBe(false);
    expect(caaAllowsAmazon(['0 iodef "mailto:x@example.com"'])).toBe(true);
  });
  it('climbs the tree from the name to its parents', () => {
    expect(caaLookupNames('*.foo.example.com')).toEqual(['foo.example.com', 'example.com', 'com']);
  });
});

describe('own keys only', () => {
  it.each([
    ['zones', { zones: JSON.parse('{"__proto__":"Z0123456789ABC"}') }, 'zones.__proto__'],
    ['tags', { tags: JSON.parse('{"__proto__":"x"}') }, 'tags.__proto__'],
  ])('%s: a __proto__ key is refused naming the field', (_, extra, field) => {
    expect(
      fieldOf(() => normaliseCertificateRequest({ domainName: 'a.example.com', ...extra }, 'eu-west-1')),
    ).toBe(field);
  });
});
