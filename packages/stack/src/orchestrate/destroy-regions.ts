/**
 * Where destroy looks for the stack's certificates (issue 21): the cluster's region and the file's by
 * default; with `allRegions` every region enabled for the account (one ec2:DescribeRegions); with
 * `regions` the regions named too.
 */
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import {
  type AwsClients,
  InvalidInputError,
  type Partition,
  partitionOfRegion,
  validateRegion,
  wrapAwsError,
} from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';

/** A region destroy could not search for the stack's certificates, and why (nothing there was touched). */
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
  options: { allRegions?: boolean; regions?: readonly string[]; signal?: AbortSignal },
  enabled?: readonly string[],
): Promise<{ own: string[]; extra: string[] }> {
  const own = destroyCertificateRegions(stack);
  const wanted = new Set(options.regions ?? []);
  if (options.allRegions === true)
    for (const region of enabled ?? (await enabledRegions(clients, options.signal))) wanted.add(region);
  for (const region of own) wanted.delete(region);
  return { own, extra: [...wanted].sort() };
}
