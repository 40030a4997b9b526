/**
 * Regions of an account: which exist, which are enabled, and which an organisation's service control
 * policy refuses. Written from AWS's Account Management reference ("Enable or disable AWS Regions in
 * your account"): Regions launched before 2019-03-20 are enabled by default and cannot be disabled;
 * later ones are opt-in and disabled until enabled. A request signed for a disabled opt-in Region is
 * refused before the service sees it, with the protocol's invalid-token error (`UnrecognizedClientException:
 * The security token included in the request is invalid`, as reported in epsagon/clear-lambda-storage#9,
 * 2019-11-18, and brefphp/extra-php-extensions#384, 2022-12-28). A Region denied by an SCP (a
 * `aws:RequestedRegion` condition) answers AccessDenied "with an explicit deny in a service control policy".
 *
 * World key `regions: { optedIn?: string[], deniedByScp?: string[] }` (every account of the world).
 */
import type { World } from '../types.js';

/** Regions enabled by default (launched before 2019-03-20), commercial partition. */
const DEFAULT_REGIONS = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

/** Opt-in Regions (launched after 2019-03-20), commercial partition, as of December 2026. */
const OPT_IN_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-west-1',
  'eu-central-2',
  'eu-south-1',
  'eu-south-2',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
];

/** Other partitions' Regions (all enabled by default). */
const OTHER_PARTITIONS: Record<string, string[]> = {
  'cn-': ['cn-north-1', 'cn-northwest-1'],
  'us-gov-': ['us-gov-east-1', 'us-gov-west-1'],
};

/** One Region as EC2 DescribeRegions reports it. */
export interface RegionInfo {
  regionName: string;
  /** `opt-in-not-required` | `opted-in` | `not-opted-in`. */
  optInStatus: 'opt-in-not-required' | 'opted-in' | 'not-opted-in';
}

function worldRegions(world: World): { optedIn: string[]; deniedByScp: string[] } {
  const raw = (world.regions ?? {}) as { optedIn?: unknown; deniedByScp?: unknown };
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  return { optedIn: list(raw.optedIn), deniedByScp: list(raw.deniedByScp) };
}

/**
 * The Regions of the partition `signingRegion` belongs to, with their opt-in status for this world.
 * @example partitionRegions({ regions: { optedIn: ['me-south-1'] } }, 'us-east-1') // [..., { regionName: 'me-south-1', optInStatus: 'opted-in' }, ...]
 */
export function partitionRegions(world: World, signingRegion: string): RegionInfo[] {
  for (const [prefix, names] of Object.entries(OTHER_PARTITIONS))
    if (signingRegion.startsWith(prefix))
      return names.map((regionName) => ({ regionName, optInStatus: 'opt-in-not-required' }));
  const { optedIn } = worldRegions(world);
  return [
    ...DEFAULT_REGIONS.map((regionName): RegionInfo => ({ regionName, optInStatus: 'opt-in-not-required' })),
    ...OPT_IN_REGIONS.map(
      (regionName): RegionInfo => ({
        regionName,
        optInStatus: optedIn.includes(regionName) ? 'opted-in' : 'not-opted-in',
      }),
    ),
  ].sort((a, b) => (a.regionName < b.regionName ? -1 : a.regionName > b.regionName ? 1 : 0));
}

/**
 * Why a request signed for `region` is refused before its service sees it: `not-enabled` (an opt-in
 * Region the account has not enabled), `scp` (a service control policy denies the Region), or undefined.
 * @example regionRefusal({}, 'me-south-1') // 'not-enabled'
 */
export function regionRefusal(world: World, region: string): 'not-enabled' | 'scp' | undefined {
  const { optedIn, deniedByScp } = worldRegions(world);
  if (OPT_IN_REGIONS.includes(region) && !optedIn.includes(region)) return 'not-enabled';
  if (deniedByScp.includes(region)) return 'scp';
  return undefined;
}
