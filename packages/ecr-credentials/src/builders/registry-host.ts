/**
 * ECR registry hosts: the grammar the amazon-ecr-credential-helper accepts (ecr-login/api/client.go,
 * docs/AWS-FACTS.md#ecr-registry-hosts), and the bare host a docker config key must be.
 */
import { dnsSuffixOfPartition, InvalidInputError, partitionOfRegion, validateRegion } from '@eks-kit/core';

/**
 * The credential helper's private-registry pattern (docs/AWS-FACTS.md#ecr-registry-hosts, amazon-ecr-credential-helper
 * ecr-login/api/client.go): account, optional `-fips`, region, then a partition's DNS suffix.
 */
const ECR_HOST_RE =
  /^(\d{12})\.dkr([.-])ecr(-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.(amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/;

/** ECR Public's one registry host; its tokens come from us-east-1 (docs/AWS-FACTS.md#ecr-registry-hosts). */
export const ECR_PUBLIC_HOST = 'public.ecr.aws';

/** A parsed ECR registry host. */
export interface RegistryHost {
  /** The bare host, lower case: the exact key a docker config's `credHelpers`/`auths` needs. */
  host: string;
  /** `private` for `<account>.dkr.ecr.<region>...`, `public` for `public.ecr.aws`. */
  kind: 'private' | 'public';
  /** 12-digit registry (account) id; absent for ECR Public. */
  accountId?: string;
  /** Region of the registry; `us-east-1` for ECR Public (where its tokens come from). */
  region: string;
  /** FIPS endpoint (`dkr.ecr-fips` / `dkr-ecr-fips`). */
  fips: boolean;
  /** Dual-stack (IPv4 + IPv6) endpoint (`dkr-ecr.<region>.on.aws`). */
  dualStack: boolean;
  /** DNS suffix, e.g. `amazonaws.com`, `amazonaws.com.cn`, `amazonaws.eu`, `on.aws`. */
  dnsSuffix: string;
}

/**
 * Strip a scheme, path, `user@` and trailing dot from what a user typed (`https://host/v2/repo` -> `host`).
 * Returns the lower-cased host and, when present, the port.
 */
function bareHost(input: string): { host: string; port: string | undefined } {
  let rest = input.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  const slash = rest.search(/[/?#]/);
  if (slash >= 0) rest = rest.slice(0, slash);
  const at = rest.lastIndexOf('@');
  if (at >= 0) rest = rest.slice(at + 1);
  let port: string | undefined;
  const colon = /:(\d*)$/.exec(rest);
  if (colon) {
    port = colon[1];
    rest = rest.slice(0, colon.index);
  }
  return { host: rest.toLowerCase().replace(/\.$/, ''), port };
}

/** Why a host that is not an ECR host was refused, as precisely as we can tell. */
function refusalReason(host: string): string {
  if (host === '') return 'an ECR registry host such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com';
  if (host.includes('*')) return 'an exact ECR registry host (docker config keys take no wildcards)';
  if (host.endsWith('.ecr.aws') || host === 'ecr.aws')
    return `an ECR registry host; the only ECR Public registry host is ${ECR_PUBLIC_HOST}`;
  const labels = host.split('.');
  const account = labels[0] ?? '';
  if (/\.dkr[.-]ecr/.test(host) || /^dkr[.-]ecr/.test(labels[1] ?? '')) {
    if (!/^\d{12}$/.test(account))
      return 'an ECR registry host starting with the 12-digit account id (<account>.dkr.ecr.<region>.amazonaws.com)';
    if (!/^dkr[.-]ecr(-fips)?\./.test(host.slice(account.length + 1)))
      return 'an ECR registry host of the form <account>.dkr.ecr[-fips].<region>.<dns suffix>';
    return 'an ECR registry host in a known partition (amazonaws.com, amazonaws.com.cn, amazonaws.eu, on.aws, on.amazonwebservices.com.cn, or an ISO partition suffix)';
  }
  if (/^\d{12}$/.test(account) && /\.ecr\./.test(host))
    return 'an ECR registry host with `dkr` before `ecr` (<account>.dkr.ecr.<region>.amazonaws.com)';
  return 'an Amazon ECR registry host (<account>.dkr.ecr.<region>.amazonaws.com or public.ecr.aws); the ecr-login helper refuses any other registry';
}

/**
 * Parse an ECR registry host, accepting what users paste: a scheme (`https://`), a path
 * (`/my/repo:tag`), a trailing dot. Refuses, with the reason, anything the ecr-login credential
 * helper would not serve (its grammar: docs/AWS-FACTS.md#ecr-registry-hosts), and a port (a docker config key with a port
 * never matches an ECR host).
 *
 * @example
 * ```ts
 * parseRegistryHost('https://123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app:1');
 * // { host: '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', kind: 'private',
 * //   accountId: '123456789012', region: 'us-gov-west-1', fips: true, dualStack: false, dnsSuffix: 'amazonaws.com' }
 * parseRegistryHost('registry.gitlab.com'); // throws InvalidInputError naming `registry`
 * ```
 */
export function parseRegistryHost(input: unknown, field = 'registry'): RegistryHost {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new InvalidInputError(
      field,
      input,
      'an ECR registry host such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    );
  }
  const { host, port } = bareHost(input);
  if (port !== undefined) {
    throw new InvalidInputError(
      field,
      input,
      'an ECR registry host without a port (ECR serves 443 only; a docker config key with a port never matches)',
    );
  }
  if (host === ECR_PUBLIC_HOST) {
    return {
      host,
      kind: 'public',
      region: 'us-east-1',
      fips: false,
      dualStack: false,
      dnsSuffix: 'ecr.aws',
    };
  }
  const match = ECR_HOST_RE.exec(host);
  if (!match) throw new InvalidInputError(field, input, refusalReason(host));
  const [, accountId = '', , fips, region = '', dnsSuffix = ''] = match;
  // Dual-stack endpoints are `<account>.dkr-ecr.<region>.on.aws` (and `on.amazonwebservices.com.cn`).
  const dualStack = dnsSuffix.startsWith('on.');
  return { host, kind: 'private', accountId, region, fips: fips !== undefined, dualStack, dnsSuffix };
}

/**
 * The bare registry host for a docker config key (`https://` and any path removed, lower case),
 * after checking it with {@link parseRegistryHost}.
 *
 * @example
 * ```ts
 * registryHost('https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/'); // '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
 * ```
 */
export function registryHost(input: unknown, field = 'registry'): string {
  return parseRegistryHost(input, field).host;
}

/**
 * The registry host of an account and region (standard endpoint, or FIPS / dual-stack variants).
 *
 * @example
 * ```ts
 * registryHostFor('123456789012', 'cn-north-1'); // '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn'
 * ```
 */
export function registryHostFor(
  accountId: string,
  region: string,
  options: { fips?: boolean; dualStack?: boolean } = {},
): string {
  validateRegion(region, 'region');
  const fips = options.fips ? '-fips' : '';
  if (options.dualStack) {
    const suffix = region.startsWith('cn-') ? 'on.amazonwebservices.com.cn' : 'on.aws';
    return registryHost(`${accountId}.dkr-ecr${fips}.${region}.${suffix}`, 'registry');
  }
  const suffix = dnsSuffixOfPartition(partitionOfRegion(region));
  return registryHost(`${accountId}.dkr.ecr${fips}.${region}.${suffix}`, 'registry');
}
