/**
 * Container resource requests and limits, as charts take them under `resources`.
 */
import { InvalidInputError } from '@eks-kit/core';
import { validateQuantity } from './kubernetes-names.js';

/** Quantities of one side (requests or limits). */
export interface ResourceQuantities {
  cpu?: string | number;
  memory?: string | number;
  'ephemeral-storage'?: string | number;
}

/** `resources` of a container. */
export interface ResourceRequirements {
  requests?: ResourceQuantities;
  limits?: ResourceQuantities;
}

const RESOURCE_NAMES = ['cpu', 'memory', 'ephemeral-storage'] as const;

/**
 * Check container resources: only `requests`/`limits` of `cpu`, `memory`, `ephemeral-storage`,
 * each a Kubernetes quantity.
 *
 * @example
 * ```ts
 * validateResources({ requests: { cpu: '100m', memory: '600Mi' } }, 'resources');
 * ```
 */
export function validateResources(value: unknown, field = 'resources'): ResourceRequirements {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidInputError(field, value, 'a map with requests and/or limits');
  }
  const out: ResourceRequirements = {};
  for (const [side, quantities] of Object.entries(value)) {
    if (side !== 'requests' && side !== 'limits') {
      throw new InvalidInputError(`${field}.${side}`, quantities, 'only requests and limits');
    }
    if (quantities === undefined) continue;
    if (!quantities || typeof quantities !== 'object' || Array.isArray(quantities)) {
      throw new InvalidInputError(
        `${field}.${side}`,
        quantities,
        'a map of cpu, memory or ephemeral-storage',
      );
    }
    const checked: ResourceQuantities = {};
    for (const [name, quantity] of Object.entries(quantities)) {
      if (!(RESOURCE_NAMES as readonly string[]).includes(name)) {
        throw new InvalidInputError(
          `${field}.${side}.${name}`,
          quantity,
          `one of ${RESOURCE_NAMES.join(', ')}`,
        );
      }
      if (quantity === undefined) continue;
      checked[name as keyof ResourceQuantities] = validateQuantity(quantity, `${field}.${side}.${name}`);
    }
    out[side] = checked;
  }
  return out;
}
