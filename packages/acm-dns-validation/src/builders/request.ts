/**
 * The certificate request as eks-kit normalises it: validated, lower-cased, names sorted and
 * deduplicated, so that the same request always yields the same IdempotencyToken.
 */
import { createHash } from 'node:crypto';
import {
  InvalidInputError,
  ownEntries,
  sortKeysDeep,
  validateDnsName,
  validateRegion,
  validateTags,
  validateTagValue,
} from '@eks-kit/core';

/** Key algorithms ACM issues through RequestCertificate (docs/AWS-FACTS.md#acm-requestcertificate: RSA_2048 default, EC P-256, EC P-384). */
export const REQUESTABLE_KEY_ALGORITHMS = ['RSA_2048', 'EC_prime256v1', 'EC_secp384r1'] as const;
/** A key algorithm that RequestCertificate accepts. */
export type RequestableKeyAlgorithm = (typeof REQUESTABLE_KEY_ALGORITHMS)[number];

/** Every key type ACM knows; ListCertificates needs them all in `Includes.keyTypes` to see every certificate. */
export const ALL_KEY_TYPES = [
  'RSA_1024',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'EC_prime256v1',
  'EC_secp384r1',
  'EC_secp521r1',
] as const;

/**
 * A key algorithm as ACM answers it, in the form ACM takes it: DescribeCertificate and
 * ListCertificates answer `RSA-2048` / `EC-prime256v1` although RequestCertificate and
 * `Includes.keyTypes` take `RSA_2048` / `EC_prime256v1` (ACM User Guide list-certificates example).
 * Comparing the raw strings would never find an existing certificate on real ACM.
 *
 * @example
 * ```ts
 * keyAlgorithmOf('RSA-2048'); // 'RSA_2048'
 * keyAlgorithmOf('EC_prime256v1'); // 'EC_prime256v1'
 * ```
 */
export function keyAlgorithmOf(answered: string | undefined): string | undefined {
  return answered?.replace('-', '_');
}

/** The tag every certificate eks-kit requests carries (one definition, in core). */
import { STACK_TAG_KEY } from '@eks-kit/core';

export { STACK_TAG_KEY };

/** ACM's default quota of domain names per certificate (docs/AWS-FACTS.md#acm-requestcertificate: up to 100, default quota 10). */
export const DEFAULT_DOMAIN_NAME_QUOTA = 10;

/** What a caller asks for. */
export interface CertificateRequestInput {
  /** The certificate's main name, e.g. `*.foo.example.com` (at most 64 octets, ACM's limit). */
  domainName: string;
  /** More names, e.g. the apex `foo.example.com` next to a wildcard. */
  subjectAlternativeNames?: readonly string[];
  /** Default `RSA_2048`. */
  keyAlgorithm?: RequestableKeyAlgorithm;
  /** Tags for the certificate; `eks-kit:stack` is added when `stack` is given. */
  tags?: Record<string, string>;
  /** Certificate transparency logging (default true; turning it off makes browsers distrust the certificate). */
  transparencyLogging?: boolean;
  /** Explicit hosted zone per domain: `{ 'foo.example.com': 'Z0123456789ABC' }`; wins over the lookup. */
  zones?: Record<string, string>;
  /** ACM region (default: the clients' region). */
  region?: string;
  /** Stack name, written as the tag `eks-kit:stack`. */
  stack?: string;
  /** The certificate is for CloudFront, which only uses certificates from us-east-1. */
  cloudFront?: boolean;
  /** Your account's quota of domain names per certificate (default 10). */
  domainNameQuota?: number;
}

/** The normalised request. */
export interface NormalisedCertificateRequest {
  domainName: string;
  /** Every name but `domainName`, sorted, without duplicates. */
  subjectAlternativeNames: string[];
  /** `domainName` then the SANs: every name the certificate covers. */
  names: string[];
  keyAlgorithm: RequestableKeyAlgorithm;
  tags: Record<string, string>;
  transparencyLogging: boolean;
  /** Domain (no trailing dot, lower case) to hosted zone id without `/hostedzone/`. */
  zones: Record<string, string>;
  region: string;
  stack: string | undefined;
}

const ZONE_ID_RE = /^(?:\/hostedzone\/)?([A-Z0-9]{1,32})$/;

/**
 * Validate and normalise a certificate request; throws {@link InvalidInputError} naming the field.
 *
 * @example
 * ```ts
 * normaliseCertificateRequest({ domainName: '*.Foo.example.com', subjectAlternativeNames: ['foo.example.com'] }, 'eu-west-1');
 * // { domainName: '*.foo.example.com', subjectAlternativeNames: ['foo.example.com'], keyAlgorithm: 'RSA_2048', ... }
 * ```
 */
export function normaliseCertificateRequest(
  input: CertificateRequestInput,
  defaultRegion: string,
): NormalisedCertificateRequest {
  if (!input || typeof input !== 'object')
    throw new InvalidInputError('input', input, 'a certificate request');
  const domainName = validateDnsName(input.domainName, 'domainName', { allowWildcard: true });
  // RequestCertificate: DomainName is at most 64 octets (docs/AWS-FACTS.md#acm-requestcertificate).
  if (Buffer.byteLength(domainName, 'utf8') > 64) {
    throw new InvalidInputError(
      'domainName',
      input.domainName,
      'a domain name of at most 64 octets (ACM limit)',
      {
        hint: 'put the long name in subjectAlternativeNames and a shorter one as domainName',
      },
    );
  }
  const rawSans = input.subjectAlternativeNames ?? [];
  if (!Array.isArray(rawSans)) {
    throw new InvalidInputError('subjectAlternativeNames', rawSans, 'a list of DNS names');
  }
  const sans = new Set<string>();
  rawSans.forEach((name, index) => {
    const normal = validateDnsName(name, `subjectAlternativeNames[${index}]`, { allowWildcard: true });
    if (normal !== domainName) sans.add(normal);
  });
  const subjectAlternativeNames = [...sans].sort();
  const quota = input.domainNameQuota ?? DEFAULT_DOMAIN_NAME_QUOTA;
  if (!Number.isInteger(quota) || quota < 1 || quota > 100) {
    throw new InvalidInputError('domainNameQuota', quota, 'a whole number from 1 to 100');
  }
  if (subjectAlternativeNames.length + 1 > quota) {
    throw new InvalidInputError(
      'subjectAlternativeNames',
      rawSans,
      `at most ${quota} domain names per certificate including domainName (your ACM quota)`,
      {
        hint: 'split the names over several certificates, or raise the quota "Domain names per ACM certificate"',
      },
    );
  }
  const keyAlgorithm = input.keyAlgorithm ?? 'RSA_2048';
  if (!(REQUESTABLE_KEY_ALGORITHMS as readonly string[]).includes(keyAlgorithm)) {
    throw new InvalidInputError('keyAlgorithm', keyAlgorithm, REQUESTABLE_KEY_ALGORITHMS.join(', '));
  }
  const region = validateRegion(input.region ?? defaultRegion, 'region');
  if (input.cloudFront === true && region !== 'us-east-1') {
    throw new InvalidInputError('region', region, 'us-east-1 for a certificate used by CloudFront', {
      hint: 'CloudFront only uses ACM certificates from US East (N. Virginia): pass region us-east-1',
    });
  }
  if (input.transparencyLogging !== undefined && typeof input.transparencyLogging !== 'boolean') {
    throw new InvalidInputError('transparencyLogging', input.transparencyLogging, 'true or false');
  }
  const stack = input.stack === undefined ? undefined : validateStackName(input.stack);
  const tags = validateTags(input.tags, 'tags', stack === undefined ? 50 : 49);
  if (stack !== undefined) {
    if (tags[STACK_TAG_KEY] !== undefined && tags[STACK_TAG_KEY] !== stack) {
      throw new InvalidInputError(
        `tags.${STACK_TAG_KEY}`,
        tags[STACK_TAG_KEY],
        `the stack name ${stack} or nothing`,
      );
    }
    tags[STACK_TAG_KEY] = stack;
  }
  const zones: Record<string, string> = {};
  if (input.zones !== undefined) {
    if (!input.zones || typeof input.zones !== 'object' || Array.isArray(input.zones)) {
      throw new InvalidInputError('zones', input.zones, 'a map of domain names to hosted zone ids');
    }
    for (const [domain, id] of ownEntries(input.zones as Record<string, unknown>, 'zones')) {
      const name = validateDnsName(domain, `zones.${domain}`, { allowWildcard: false });
      const match = typeof id === 'string' ? ZONE_ID_RE.exec(id.trim()) : null;
      if (!match?.[1])
        throw new InvalidInputError(`zones.${domain}`, id, 'a hosted zone id such as Z0123456789ABC');
      zones[name] = match[1];
    }
  }
  return {
    domainName,
    subjectAlternativeNames,
    names: [domainName, ...subjectAlternativeNames],
    keyAlgorithm,
    tags: sortKeysDeep(tags),
    transparencyLogging: input.transparencyLogging ?? true,
    zones: sortKeysDeep(zones),
    region,
    stack,
  };
}

/**
 * Check a stack name (it becomes the tag value `eks-kit:stack`).
 *
 * @example
 * ```ts
 * validateStackName('prod'); // 'prod'
 * ```
 */
export function validateStackName(value: unknown, field = 'stack'): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new InvalidInputError(field, value, 'a stack name');
  return validateTagValue(value, field);
}

/**
 * A deterministic IdempotencyToken (`^\w{1,32}$`, docs/AWS-FACTS.md#acm-requestcertificate) from the normalised request:
 * two concurrent runs of the same request within ACM's one-hour window get one certificate.
 *
 * @example
 * ```ts
 * idempotencyToken(normaliseCertificateRequest({ domainName: 'app.example.com' }, 'eu-west-1')); // 32 hex digits
 * ```
 */
export function idempotencyToken(request: NormalisedCertificateRequest): string {
  const material = JSON.stringify({
    names: request.names,
    keyAlgorithm: request.keyAlgorithm,
    transparencyLogging: request.transparencyLogging,
    region: request.region,
    stack: request.stack ?? null,
  });
  return createHash('sha256').update(material).digest('hex').slice(0, 32);
}
