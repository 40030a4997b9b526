/**
 * Where destroy, plan, apply and check look for the stack's certificates (issue 21): the cluster's
 * region and the file's by default; with `allRegions` every region enabled for the account (one
 * ec2:DescribeRegions); with `regions` the regions named too. A region beyond the stack's own that
 * cannot be searched is reported ({@link RegionFailure}), not thrown.
 */
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import type { KeptValidationRecord } from '@eks-kit/acm-dns-validation';
import {
  AwsCallError,
  type AwsClients,
  type Change,
  type Finding,
  finding,
  InvalidInputError,
  isAccessDeniedError,
  type Partition,
  partitionOfRegion,
  validateRegion,
  withRoute53From,
  wrapAwsError,
} from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';
import { certificateDns, dnsRoleClients, throughRole } from '../steps/certificates.js';
import type { KeptResource } from './destroy-stack.js';

/**
 * Where to look for the stack's certificates beyond its own regions (the cluster's and the file's
 * certificates'): the options of destroy, plan, apply and check, and the CLI's `--all-regions` /
 * `--regions a,b`. A certificate the stack made in a region the file no longer names (the entry
 * removed or moved to another region, applied without `--prune`) is found only with one of them.
 */
export interface CertificateRegionsOptions {
  /**
   * Also look in every region enabled for the account (one ec2:DescribeRegions, then each region's
   * certificate listing, all at once; `--all-regions`). A refused ec2:DescribeRegions is an error
   * before any write.
   */
  allRegions?: boolean;
  /** Also look in these regions (`--regions`): known region names of the cluster's partition, checked before any call. */
  regions?: readonly string[];
}

/** A region that could not be searched for the stack's certificates, and why (nothing there was touched). */
export interface RegionFailure {
  region: string;
  /** The AWS error code (`UnrecognizedClientException` in a disabled opt-in region, `AccessDeniedException`, ...). */
  code: string;
  message: string;
}

/**
 * Regions where destroy looks for the stack's certificates by their tag without `allRegions` or
 * `regions`: each certificate's own and the cluster's (where an orphan certificate of the stack may
 * be left, as `findOrphans` looks). A certificate of the stack left in another region (removed from
 * the file, applied without `--prune`) is not found there: `allRegions` or `regions` finds it.
 *
 * @example
 * ```ts
 * destroyCertificateRegions(stack); // ['ap-northeast-1', 'us-east-1']
 * ```
 */
export function destroyCertificateRegions(stack: Stack): string[] {
  return [
    ...new Set([stack.cluster.region, ...stack.certificates.map((c) => c.region ?? stack.cluster.region)]),
  ].sort();
}

/**
 * Check the extra regions destroy is asked to search (`regions` option, the CLI's `--regions`):
 * a list, each a known AWS region name of the cluster's `partition` when given. Throws `InvalidInputError`
 * naming `field[i]` (before any call).
 *
 * @example
 * ```ts
 * validateDestroyRegions(['eu-west-1', 'us-east-1']); // ['eu-west-1', 'us-east-1']
 * validateDestroyRegions(['eu-wst-1']); // throws: regions[0] ... (did you mean eu-west-1?)
 * validateDestroyRegions(['cn-north-1'], 'regions', 'aws'); // throws: a region of the cluster's partition (aws)
 * ```
 */
export function validateDestroyRegions(regions: unknown, field = 'regions', partition?: Partition): string[] {
  if (!Array.isArray(regions)) throw new InvalidInputError(field, regions, 'a list of AWS region names');
  return regions.map((r, i) => {
    const at = regions.length > 1 ? `${field}[${i}]` : field;
    const region = validateRegion(r, at);
    // Credentials of one partition are refused by every region of another: never send the call.
    if (partition !== undefined && partitionOfRegion(region) !== partition)
      throw new InvalidInputError(at, region, `a region of the cluster's partition (${partition})`);
    return region;
  });
}

/**
 * Refuse a bad `regions` option (not a list, an unknown name, another partition's region than the
 * cluster's) before any call; nothing without it.
 *
 * @example
 * ```ts
 * checkRegionOptions(stack, { regions: ['eu-wst-1'] }); // throws InvalidInputError: regions: ... did you mean eu-west-1?
 * ```
 */
export function checkRegionOptions(stack: Stack, options: CertificateRegionsOptions): void {
  if (options.regions !== undefined)
    validateDestroyRegions(options.regions, 'regions', partitionOfRegion(stack.cluster.region));
}

/**
 * Does `options` ask to look beyond the stack's own regions (`allRegions`, or a non-empty `regions`)?
 *
 * @example
 * ```ts
 * searchesOtherRegions({ regions: ['eu-west-1'] }); // true
 * ```
 */
export function searchesOtherRegions(options: CertificateRegionsOptions): boolean {
  return options.allRegions === true || (options.regions?.length ?? 0) > 0;
}

/**
 * The regions enabled for the account: one ec2:DescribeRegions without `AllRegions`, which answers
 * the regions that need no opt-in and those the account opted in to (docs/AWS-FACTS.md#regions-enabled-for-an-account).
 *
 * @example
 * ```ts
 * await enabledRegions(clients); // ['ap-northeast-1', ..., 'us-west-2']
 * ```
 */
export async function enabledRegions(clients: AwsClients, signal?: AbortSignal): Promise<string[]> {
  const ec2 = await clients.ec2();
  const out = await ec2
    .send(new DescribeRegionsCommand({}), signal ? { abortSignal: signal } : {})
    .catch((e: unknown) => {
      throw wrapAwsError(e, 'ec2:DescribeRegions', clients.region);
    });
  return (out.Regions ?? [])
    .filter((r) => r.OptInStatus !== 'not-opted-in')
    .map((r) => r.RegionName)
    .filter((r): r is string => typeof r === 'string' && r !== '')
    .sort();
}

/**
 * Every region destroy searches: the stack's own ({@link destroyCertificateRegions}, whose failures
 * stop destroy as before) and the extra ones (`regions`, and with `allRegions` the enabled regions),
 * whose failures are reported per region. `enabled`: the account's enabled regions when already read.
 *
 * @example
 * ```ts
 * await certificateSearchRegions(clients, stack, { regions: ['eu-west-1'] }); // { own: ['ap-northeast-1'], extra: ['eu-west-1'] }
 * ```
 */
export async function certificateSearchRegions(
  clients: AwsClients,
  stack: Stack,
  options: CertificateRegionsOptions & { signal?: AbortSignal },
  enabled?: readonly string[],
): Promise<{ own: string[]; extra: string[] }> {
  const own = destroyCertificateRegions(stack);
  const wanted = new Set(options.regions ?? []);
  if (options.allRegions === true)
    for (const region of enabled ?? (await enabledRegions(clients, options.signal))) wanted.add(region);
  for (const region of own) wanted.delete(region);
  return { own, extra: [...wanted].sort() };
}

/**
 * The account's enabled regions (whose certificates may share a validation record with one deleted:
 * ACM gives a name the same record in every region), or why every validation record must be kept.
 */
export type AccountRegions = readonly string[] | { why: string };

/**
 * The account's enabled regions, or, when ec2:DescribeRegions is refused and the caller was not asked
 * to search every region, why validation records must be kept (a certificate of another region may
 * share one). With `allRegions` a refusal is thrown (destroy and apply stop before any write).
 *
 * @example
 * ```ts
 * const regions = await accountRegionsOrWhy(clients, {}); // ['ap-northeast-1', ...] or { why: '...' }
 * ```
 */
export async function accountRegionsOrWhy(
  clients: AwsClients,
  options: { allRegions?: boolean; signal?: AbortSignal },
): Promise<AccountRegions> {
  try {
    return await enabledRegions(clients, options.signal);
  } catch (error) {
    if (options.allRegions === true || options.signal?.aborted || !isAccessDeniedError(error)) throw error;
    return {
      why: "ec2:DescribeRegions was refused: a certificate of the same name in another region may still need it (ACM shares a name's record across regions)",
    };
  }
}

/**
 * What deleteCertificate is told about the validation records of a certificate of `region`: the other
 * regions to look in for a live certificate that still needs one, or why every record is kept
 * (docs/AWS-FACTS.md#acm-one-validation-record-for-a-name-in-every-region).
 *
 * @example
 * ```ts
 * sharedRecords('eu-west-1', ['eu-west-1', 'us-east-1']); // { otherRegions: ['us-east-1'] }
 * ```
 */
export function sharedRecords(
  region: string,
  accountRegions: AccountRegions,
): { otherRegions: string[] } | { keepRecords: string } {
  return Array.isArray(accountRegions)
    ? { otherRegions: accountRegions.filter((r) => r !== region) }
    : { keepRecords: (accountRegions as { why: string }).why };
}

/** The search of an extra region failed (its listing or a certificate's tags): reported, not thrown. */
export class RegionSearchError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads of one region: in an `extra` region (beyond the stack's own) an AWS answer (a disabled opt-in
 * region, AccessDenied, ...) becomes a {@link RegionSearchError}, so the region is reported; anything
 * else (a bug, a stop signal), and any failure in one of the stack's own regions, is thrown as is.
 *
 * @example
 * ```ts
 * const listed = await searchRead(true, signal, () => listCertificates(regional, { region }));
 * ```
 */
export async function searchRead<T>(
  extra: boolean,
  signal: AbortSignal | undefined,
  read: () => Promise<T>,
): Promise<T> {
  if (!extra) return read();
  try {
    return await read();
  } catch (err) {
    if (!(err instanceof AwsCallError) || signal?.aborted === true) throw err;
    throw new RegionSearchError(err.awsCode ?? err.code, err.message);
  }
}

/**
 * The `warn` finding (`stack.orphans.region`) plan, apply and check give a region where the stack's
 * certificates could not be looked for: what is there is neither shown nor pruned.
 *
 * @example
 * ```ts
 * regionFailureFinding('prod', { region: 'eu-west-3', code: 'AccessDeniedException', message: '...' });
 * ```
 */
export function regionFailureFinding(stack: string, failure: RegionFailure): Finding {
  return finding(
    'stack.orphans.region',
    `acm certificates of ${failure.region}`,
    'warn',
    `could not look for certificates of stack ${stack} in ${failure.region}: ${failure.message} (a certificate of the stack there is not shown or pruned)`,
    {
      hint: 'allow acm:ListCertificates there, or name the regions to search with --regions instead of --all-regions',
      data: { region: failure.region, code: failure.code },
    },
  );
}

/**
 * Where the validation records of a certificate of the stack found in AWS are, as apply chose (issue 21):
 * the Route 53 of the file entry's `dns` role (its own, else the stack's; a zone in another account),
 * else the stack's account, and the entry's explicit `zones`. A certificate the file no longer names
 * (an orphan) gets the stack's `dns` and `zoneGuessed`: its record is deleted only where the file's
 * settings reach and it is found there, else kept and named. Deleting through `clients` keeps ACM in the
 * stack's account (`regional`) and sends Route 53 through the role (assumed once per run).
 *
 * @example
 * ```ts
 * const where = await recordZoneSettings(run, regional, stack, 'bar.example.com');
 * await deleteCertificate(where.clients, { arn, stack: stack.name, ...where.spec });
 * ```
 */
export async function recordZoneSettings(
  run: AwsClients,
  regional: AwsClients,
  stack: Stack,
  domainName: string | undefined,
): Promise<{
  clients: AwsClients;
  spec: { zones?: Readonly<Record<string, string>>; zoneGuessed?: boolean; route53Owner?: string };
  /** The deletion's changes, the Route 53 ones naming the DNS account and role (as apply's plan does). */
  label: <T extends { changes: Change[] }>(result: T) => T;
}> {
  const entry = stack.certificates.find((c) => c.domainName === domainName);
  const dns = entry ? certificateDns(stack, entry) : stack.dns;
  const spec = {
    ...(entry?.zones ? { zones: entry.zones } : {}),
    ...(entry ? {} : { zoneGuessed: true }),
  };
  if (!dns) return { clients: regional, spec, label: (result) => result };
  const role = await dnsRoleClients(run, dns);
  return {
    clients: withRoute53From(regional, role.clients),
    spec: { ...spec, route53Owner: `account ${role.accountId} (e.g. as ${dns.roleArn})` },
    label: (result) => ({ ...result, changes: throughRole(result.changes, dns, role.accountId) }),
  };
}

/**
 * A validation record destroy or prune kept, as a kept resource: its name, type, value and zone, why,
 * and (when no certificate is known to need it) the command that deletes it once the user has checked.
 *
 * @example
 * ```ts
 * result.kept.push(...r.keptRecords.map(keptRecord));
 * ```
 */
export function keptRecord(k: KeptValidationRecord): KeptResource {
  const zone = k.zoneId !== undefined && k.zoneId !== '<zone id>' ? ` in zone ${k.zoneId}` : '';
  return {
    resource: `route53 record ${k.record.name} CNAME ${k.record.value}${zone}`,
    because: 'refused',
    reason: k.reason,
    ...(k.command !== undefined ? { hint: `once you have checked, delete it with: ${k.command}` } : {}),
    record: {
      name: k.record.name,
      type: 'CNAME',
      value: k.record.value,
      ...(k.zoneId !== undefined ? { zoneId: k.zoneId } : {}),
      ...(k.command !== undefined ? { command: k.command } : {}),
    },
  };
}
