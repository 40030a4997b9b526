/**
 * Rules that belong to one domain package, in one place for the stack loader.
 * TODO(wiring): each delegates to its package's exported validator once that package exports it;
 * until then the rule is written here from AWS-FACTS.md.
 */
import { InvalidInputError, validateDnsName } from '@eks-kit/core';

/**
 * ACM's DomainName: a DNS name (wildcard only as the whole leftmost label) of at most 64 octets
 * (AWS-FACTS.md, RequestCertificate).
 *
 * @example
 * ```ts
 * validateCertificateDomain('*.Foo.example.com', 'certificates[0].domainName'); // '*.foo.example.com'
 * ```
 */
export function validateCertificateDomain(value: unknown, field: string): string {
  const name = validateDnsName(value, field, { allowWildcard: true });
  if (Buffer.byteLength(name) > 64)
    throw new InvalidInputError(
      field,
      value,
      'a domain name of at most 64 octets (ACM limit; put longer names in subjectAlternativeNames)',
    );
  return name;
}

/**
 * ECR repository names: 2-256 characters of `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`
 * (AWS-FACTS.md, CreateRepository).
 *
 * @example
 * ```ts
 * validateRepositoryName('team/app', 'repositories[0].name'); // 'team/app'
 * ```
 */
export function validateRepositoryName(value: unknown, field: string): string {
  const re = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
  if (typeof value !== 'string' || value.length < 2 || value.length > 256 || !re.test(value))
    throw new InvalidInputError(
      field,
      value,
      'an ECR repository name: 2-256 lower-case letters, digits, . _ - and / between parts',
    );
  return value;
}

/**
 * IAM role names: 1-64 characters of `[\w+=,.@-]` (AWS-FACTS.md, IAM limits).
 *
 * @example
 * ```ts
 * validateRoleName('seed-cluster-autoscaler', 'autoscaler.roleName');
 * ```
 */
export function validateRoleName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^[\w+=,.@-]{1,64}$/.test(value))
    throw new InvalidInputError(field, value, 'an IAM role name of 1-64 letters, digits or +=,.@_-');
  return value;
}

/**
 * A Kubernetes version `1.<minor>` that EKS supports (1.23 and later).
 *
 * @example
 * ```ts
 * validateKubernetesVersion('1.35', 'cluster.kubernetesVersion');
 * ```
 */
export function validateKubernetesVersion(value: unknown, field: string): string {
  const match = typeof value === 'string' ? /^1\.(\d{1,2})$/.exec(value) : null;
  if (!match || Number(match[1]) < 23)
    throw new InvalidInputError(
      field,
      value,
      'a Kubernetes version 1.<minor> such as "1.35" (1.23 or later)',
    );
  return value as string;
}

const TAINT_RE = /^([A-Za-z0-9./_-]+)=([A-Za-z0-9._-]*):(NoSchedule|PreferNoSchedule|NoExecute)$/;
const TAG_KEY_PREFIX = 'k8s.io/cluster-autoscaler/node-template/';

/**
 * Node template of a worker group for scale from zero: labels, taints `key=value:Effect` (the effect
 * is required: eksctl's dropped effect is a known bug, AWS-FACTS.md), resources; each resulting tag
 * key must fit 128 characters.
 *
 * @example
 * ```ts
 * validateNodeTemplate({ taints: ['gpu=true:NoSchedule'] }, 'autoscaler.nodeTemplates.gpu');
 * ```
 */
export function validateNodeTemplate(
  template: { labels?: Record<string, string>; taints?: string[]; resources?: Record<string, string> },
  field: string,
): void {
  for (const [key, value] of Object.entries(template.labels ?? {})) {
    const tagKey = `${TAG_KEY_PREFIX}label/${key}`;
    if (tagKey.length > 128 || !/^[A-Za-z0-9./_-]+$/.test(key))
      throw new InvalidInputError(
        `${field}.labels.${key}`,
        key,
        'a label key that fits a 128-character tag key',
      );
    if (value.length > 256)
      throw new InvalidInputError(`${field}.labels.${key}`, value, 'a value of at most 256 characters');
  }
  (template.taints ?? []).forEach((taint, i) => {
    if (!TAINT_RE.test(taint))
      throw new InvalidInputError(
        `${field}.taints[${i}]`,
        taint,
        'a taint key=value:Effect with Effect NoSchedule, PreferNoSchedule or NoExecute',
      );
  });
  for (const [name, quantity] of Object.entries(template.resources ?? {})) {
    if (!/^\d+(?:\.\d+)?(?:[KMGTPE]i?|m)?$/.test(quantity))
      throw new InvalidInputError(
        `${field}.resources.${name}`,
        quantity,
        'a Kubernetes quantity such as 2, 500m or 8Gi',
      );
  }
}

/**
 * Cluster Autoscaler extra flags: names in kebab-case, values strings, numbers or booleans.
 *
 * @example
 * ```ts
 * validateExtraArgs({ expander: 'least-waste' }, 'autoscaler.extraArgs');
 * ```
 */
export function validateExtraArgs(args: Record<string, string | number | boolean>, field: string): void {
  for (const [name, value] of Object.entries(args)) {
    if (!/^[a-z][a-z0-9-]*$/.test(name))
      throw new InvalidInputError(
        `${field}.${name}`,
        name,
        'a flag name in kebab-case without leading dashes, e.g. scale-down-unneeded-time',
      );
    if (typeof value === 'string' && /[\n\r]/.test(value))
      throw new InvalidInputError(`${field}.${name}`, value, 'a value on one line');
  }
}
