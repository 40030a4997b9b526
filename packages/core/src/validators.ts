/**
 * Validators shared by every package. Each returns the normalised value or throws
 * {@link InvalidInputError} naming the field; none makes an AWS call.
 */
import { InvalidInputError } from './errors.js';
import { nearestName } from './nearest-name.js';
import { ownEntries, setOwn } from './own-keys.js';

/**
 * The AWS partitions eks-kit formats and accepts ARNs in: the one list every package checks against.
 *
 * @example
 * ```ts
 * PARTITIONS.includes('aws-cn'); // true
 * ```
 */
export const PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
] as const;

/** An AWS partition eks-kit formats ARNs for. */
export type Partition = (typeof PARTITIONS)[number];

const PARTITION_SET: ReadonlySet<string> = new Set(PARTITIONS);

/**
 * Whether `value` is one of {@link PARTITIONS}.
 *
 * @example
 * ```ts
 * isPartition('aws-us-gov'); // true
 * isPartition('azure'); // false
 * ```
 */
export function isPartition(value: unknown): value is Partition {
  return typeof value === 'string' && PARTITION_SET.has(value);
}

const REGION_RE = /^[a-z]{2,4}(?:-(?:gov|iso|isob|isoe|isof|de))?-[a-z]+-\d{1,2}$/;

/**
 * Regions known to eks-kit (November 2026), every partition. A name of the right shape that is not
 * here is refused with the nearest known name suggested (a typo such as `eu-wst-1` would otherwise
 * only fail later, as a DNS error); set `EKS_KIT_ALLOW_UNKNOWN_REGIONS=1` to use a region newer than
 * this list.
 */
export const KNOWN_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'cn-north-1',
  'cn-northwest-1',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-iso-east-1',
  'us-iso-west-1',
  'us-isob-east-1',
  'us-isof-east-1',
  'us-isof-south-1',
  'eu-isoe-west-1',
  'eusc-de-east-1',
];
const KNOWN_REGION_SET: ReadonlySet<string> = new Set(KNOWN_REGIONS);

/**
 * Check an AWS region name such as `eu-west-1`, `cn-north-1`, `us-gov-west-1`: the shape, then the list
 * of known regions (nearest name suggested). `EKS_KIT_ALLOW_UNKNOWN_REGIONS=1` (or `allowUnknown`)
 * accepts a well-formed region that is not in {@link KNOWN_REGIONS} yet.
 *
 * @example
 * ```ts
 * validateRegion('ap-northeast-1', 'cluster.region'); // 'ap-northeast-1'
 * validateRegion('tokyo', 'cluster.region');          // throws InvalidInputError
 * validateRegion('eu-wst-1', 'cluster.region');       // throws: ... (did you mean eu-west-1?)
 * ```
 */
export function validateRegion(
  value: unknown,
  field = 'region',
  options: { allowUnknown?: boolean } = {},
): string {
  if (typeof value !== 'string' || !REGION_RE.test(value)) {
    throw new InvalidInputError(field, value, 'an AWS region such as eu-west-1');
  }
  const allowUnknown = options.allowUnknown ?? process.env.EKS_KIT_ALLOW_UNKNOWN_REGIONS === '1';
  if (!KNOWN_REGION_SET.has(value) && !allowUnknown) {
    const nearest = nearestName(value, KNOWN_REGIONS, { maxDistance: 3 });
    throw new InvalidInputError(
      field,
      value,
      `a known AWS region${nearest ? ` (did you mean ${nearest}?)` : ''}`,
      {
        hint: 'for a region newer than eks-kit, set EKS_KIT_ALLOW_UNKNOWN_REGIONS=1',
      },
    );
  }
  return value;
}

/**
 * The partition a region belongs to.
 *
 * @example
 * ```ts
 * partitionOfRegion('cn-north-1'); // 'aws-cn'
 * ```
 */
export function partitionOfRegion(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

/** The DNS suffix of AWS service endpoints in a partition (`amazonaws.com`, `amazonaws.com.cn`, ...). */
export function dnsSuffixOfPartition(partition: Partition): string {
  switch (partition) {
    case 'aws-cn':
      return 'amazonaws.com.cn';
    case 'aws-iso':
      return 'c2s.ic.gov';
    case 'aws-iso-b':
      return 'sc2s.sgov.gov';
    case 'aws-iso-e':
      return 'cloud.adc-e.uk';
    case 'aws-iso-f':
      return 'csp.hci.ic.gov';
    case 'aws-eusc':
      return 'amazonaws.eu';
    default:
      return 'amazonaws.com';
  }
}

/**
 * Check a 12-digit AWS account id.
 *
 * @example
 * ```ts
 * validateAccountId('123456789012'); // '123456789012'
 * ```
 */
export function validateAccountId(value: unknown, field = 'accountId'): string {
  if (typeof value !== 'string' || !/^\d{12}$/.test(value)) {
    throw new InvalidInputError(field, value, 'a 12-digit AWS account id');
  }
  return value;
}

/** The parts of an ARN. */
export interface Arn {
  partition: Partition;
  service: string;
  region: string;
  accountId: string;
  /** Everything after the fifth colon, e.g. `role/path/name` or `certificate/uuid`. */
  resource: string;
}

/**
 * Parse an ARN into its parts.
 *
 * @example
 * ```ts
 * parseArn('arn:aws:iam::123456789012:role/cluster-autoscaler');
 * // { partition: 'aws', service: 'iam', region: '', accountId: '123456789012', resource: 'role/cluster-autoscaler' }
 * ```
 */
export function parseArn(value: unknown, field = 'arn'): Arn {
  if (typeof value !== 'string')
    throw new InvalidInputError(field, value, 'an ARN (arn:partition:service:region:account:resource)');
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') {
    throw new InvalidInputError(field, value, 'an ARN (arn:partition:service:region:account:resource)');
  }
  const [, partition = '', service = '', region = '', accountId = ''] = parts;
  const resource = parts.slice(5).join(':');
  if (!isPartition(partition))
    throw new InvalidInputError(field, value, 'an ARN in the aws, aws-cn or aws-us-gov partition');
  if (!/^[a-z0-9-]+$/.test(service)) throw new InvalidInputError(field, value, 'an ARN with a service name');
  if (region !== '' && !REGION_RE.test(region))
    throw new InvalidInputError(field, value, 'an ARN with a valid region');
  if (accountId !== '' && accountId !== 'aws' && !/^\d{12}$/.test(accountId)) {
    throw new InvalidInputError(field, value, 'an ARN with a 12-digit account id');
  }
  if (resource === '') throw new InvalidInputError(field, value, 'an ARN with a resource');
  return { partition: partition as Partition, service, region, accountId, resource };
}

/**
 * Format an ARN from its parts.
 *
 * @example
 * ```ts
 * formatArn({ partition: 'aws', service: 'iam', region: '', accountId: '123456789012', resource: 'role/x' });
 * // 'arn:aws:iam::123456789012:role/x'
 * ```
 */
export function formatArn(arn: Arn): string {
  return `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.accountId}:${arn.resource}`;
}

const LABEL_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Check and normalise a DNS name: lower case, no trailing dot, labels of 1-63 characters, at most
 * 253 characters, at least two labels, and a wildcard only as the whole leftmost label (`*.foo.example.com`).
 *
 * @example
 * ```ts
 * validateDnsName('*.Foo.Example.com.', 'domainName'); // '*.foo.example.com'
 * validateDnsName('foo.*.example.com', 'domainName');  // throws: wildcard only as the leftmost label
 * ```
 */
export function validateDnsName(
  value: unknown,
  field = 'domainName',
  options: { allowWildcard?: boolean } = {},
): string {
  const allowWildcard = options.allowWildcard ?? true;
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidInputError(field, value, 'a DNS name such as app.example.com');
  const name = value.trim().toLowerCase().replace(/\.$/, '');
  if (name.length > 253) throw new InvalidInputError(field, value, 'a DNS name of at most 253 characters');
  const labels = name.split('.');
  if (labels.length < 2)
    throw new InvalidInputError(field, value, 'a fully qualified DNS name with at least two labels');
  labels.forEach((label, index) => {
    if (label === '*') {
      if (!allowWildcard) throw new InvalidInputError(field, value, 'a DNS name without a wildcard');
      if (index !== 0)
        throw new InvalidInputError(
          field,
          value,
          'a wildcard only as the whole leftmost label (*.example.com)',
        );
      if (labels.length < 3)
        throw new InvalidInputError(field, value, 'a wildcard below a domain (*.example.com, not *.com)');
      return;
    }
    if (label.includes('*')) {
      throw new InvalidInputError(
        field,
        value,
        'a wildcard only as the whole leftmost label (*.example.com), not inside a label',
      );
    }
    if (!LABEL_RE.test(label)) {
      throw new InvalidInputError(
        field,
        value,
        'DNS labels of 1-63 letters, digits or hyphens, not starting or ending with a hyphen',
      );
    }
  });
  if (/^\d+$/.test(labels[labels.length - 1] ?? ''))
    throw new InvalidInputError(field, value, 'a DNS name, not an IP address');
  return name;
}

/**
 * Check an EKS cluster name: 1-100 characters, a letter or digit first, then letters, digits, `-` or `_`.
 *
 * @example
 * ```ts
 * validateClusterName('prod-eks', 'cluster.name'); // 'prod-eks'
 * ```
 */
export function validateClusterName(value: unknown, field = 'cluster'): string {
  if (typeof value !== 'string' || !/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(value)) {
    throw new InvalidInputError(
      field,
      value,
      'an EKS cluster name: 1-100 letters, digits, - or _, starting with a letter or digit',
    );
  }
  return value;
}

const TAG_CHARS_RE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * Check a tag key: 1-128 characters of letters, digits, spaces and `_.:/=+-@`, not starting with `aws:`.
 *
 * @example
 * ```ts
 * validateTagKey('k8s.io/cluster-autoscaler/enabled', 'tags'); // ok
 * ```
 */
export function validateTagKey(value: unknown, field = 'tag key'): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 128 || !TAG_CHARS_RE.test(value)) {
    throw new InvalidInputError(field, value, 'a tag key of 1-128 letters, digits, spaces or _.:/=+-@');
  }
  if (value.toLowerCase().startsWith('aws:'))
    throw new InvalidInputError(field, value, 'a tag key not starting with the reserved prefix aws:');
  return value;
}

/**
 * Check a tag value: 0-256 characters of letters, digits, spaces and `_.:/=+-@`.
 *
 * @example
 * ```ts
 * validateTagValue('owned', 'tags.k8s.io/cluster-autoscaler/prod'); // 'owned'
 * ```
 */
export function validateTagValue(value: unknown, field = 'tag value'): string {
  if (typeof value !== 'string' || value.length > 256 || !TAG_CHARS_RE.test(value)) {
    throw new InvalidInputError(
      field,
      value,
      'a tag value of at most 256 letters, digits, spaces or _.:/=+-@',
    );
  }
  return value;
}

/**
 * Check a map of tags (at most `max` entries, 50 by default).
 *
 * @example
 * ```ts
 * validateTags({ team: 'platform' }, 'tags'); // { team: 'platform' }
 * ```
 */
export function validateTags(value: unknown, field = 'tags', max = 50): Record<string, string> {
  if (value === undefined) return {};
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new InvalidInputError(field, value, 'a map of tag keys to string values');
  const entries = ownEntries(value as Record<string, unknown>, field);
  if (entries.length > max) throw new InvalidInputError(field, value, `at most ${max} tags`);
  const out: Record<string, string> = {};
  for (const [key, v] of entries) {
    validateTagKey(key, `${field}.${key}`);
    setOwn(out, key, validateTagValue(v, `${field}.${key}`));
  }
  return out;
}
