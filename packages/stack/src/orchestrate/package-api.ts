/**
 * Reaching a domain package's function by name, with a clear error while that package does not
 * export it yet (the packages are built in parallel; see the stack README).
 */
import { EksKitError } from '@eks-kit/core';

/**
 * The exported function `name` of a package namespace, or a `NotAvailable` error naming it.
 *
 * @example
 * ```ts
 * import * as asg from '@eks-kit/asg-discovery';
 * const ensureTags = packageFunction<EnsureTagsFn>(asg, 'ensureAutoDiscoveryTags', '@eks-kit/asg-discovery');
 * ```
 */
export function packageFunction<T>(namespace: object, name: string, packageName: string): T {
  const value = (namespace as Record<string, unknown>)[name];
  if (typeof value !== 'function')
    throw new EksKitError('NotAvailable', `${name} is not available yet: ${packageName} does not export it`, {
      hint: `update eks-kit; this part of the stack needs ${packageName}'s ${name}`,
    });
  return value as T;
}
