/**
 * `--all-regions` and `--regions a,b` (issue 21): where else plan, apply, check and destroy look for
 * the stack's certificates (one the stack made in a region the file no longer names).
 */
import { InvalidInputError, partitionOfRegion } from '@eks-kit/core';
import { type CertificateRegionsOptions, type Stack, validateDestroyRegions } from '@eks-kit/stack';
import { optionValue, type Parsed } from './options.js';

/** The flags `--all-regions` and `--regions a,b` of plan, apply, check and destroy. */
export interface RegionsOption {
  /** `--all-regions`: look for the stack's certificates in every region enabled for the account. */
  allRegions?: boolean;
  /** `--regions a,b`: look for the stack's certificates in these regions too. */
  regions?: Parsed<string[]>;
}

/**
 * The library options of the flags, checked before any AWS call: a refused `--regions` (not a known
 * region, an empty item, a region of another partition than the cluster's: AWS would only refuse the
 * credentials there) throws the `InvalidInputError` naming `--regions` (exit 64).
 *
 * @example
 * ```ts
 * const where = regionOptions(options, stack); // { allRegions: true } or { regions: ['eu-west-1'] }
 * await planStack(clients, stack, { ...where });
 * ```
 */
export function regionOptions(options: RegionsOption, stack: Stack): CertificateRegionsOptions {
  checkRegionFlags(options);
  const regions = options.regions === undefined ? undefined : optionValue(options.regions);
  if (regions) validateDestroyRegions(regions, '--regions', partitionOfRegion(stack.cluster.region));
  return {
    ...(options.allRegions === true ? { allRegions: true } : {}),
    ...(regions ? { regions } : {}),
  };
}

/**
 * Refuse `--regions` with `--all-regions` (issue 21: the regions named were silently ignored, every
 * enabled region being searched): one line naming both, exit 64, before the file is read or any AWS call.
 *
 * @example
 * ```ts
 * checkRegionFlags({ allRegions: true, regions: ['eu-west-1'] }); // throws InvalidInputError: --regions: ...
 * ```
 */
export function checkRegionFlags(options: RegionsOption): void {
  if (options.allRegions === true && options.regions !== undefined)
    throw new InvalidInputError(
      '--regions',
      optionValue(options.regions).join(','),
      'either --regions or --all-regions, not both (--all-regions already searches every enabled region)',
    );
}

/**
 * The flags that give `where` again, for a line that says which command to run next.
 *
 * @example
 * ```ts
 * `eks-kit apply --prune${regionFlags({ regions: ['eu-west-1'] })}`; // 'eks-kit apply --prune --regions eu-west-1'
 * ```
 */
export function regionFlags(where: CertificateRegionsOptions): string {
  if (where.allRegions === true) return ' --all-regions';
  return where.regions && where.regions.length > 0 ? ` --regions ${where.regions.join(',')}` : '';
}
