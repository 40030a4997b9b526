/** Kubernetes resource quantities (`1500m`, `2`, `512Mi`, `1G`) as numbers. */
import { InvalidInputError } from '@eks-kit/core';

const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const QUANTITY_RE = /^(\d+(?:\.\d+)?|\.\d+)(?:[eE]([+-]?\d+))?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/**
 * Parse a Kubernetes quantity into its base unit (cores for CPU, bytes for memory).
 *
 * @example
 * ```ts
 * parseQuantity('1500m', 'requests.cpu');  // 1.5
 * parseQuantity('512Mi', 'requests.memory'); // 536870912
 * ```
 */
export function parseQuantity(value: unknown, field: string): number {
  const text = typeof value === 'number' ? String(value) : value;
  const match = typeof text === 'string' ? QUANTITY_RE.exec(text.trim()) : null;
  if (!match)
    throw new InvalidInputError(field, value, 'a Kubernetes quantity such as 1500m, 2, 512Mi or 1Gi');
  const base = Number(match[1]) * 10 ** Number(match[2] ?? 0);
  const result = base * (SUFFIX[match[3] ?? ''] ?? 1);
  // `1e999` matches the grammar but is Infinity (and `1e-999` a meaningless 0 for a non-zero text).
  if (!Number.isFinite(result))
    throw new InvalidInputError(field, value, 'a finite Kubernetes quantity such as 1500m, 2, 512Mi or 1Gi');
  return result;
}

/**
 * CPU quantity in millicores, rounded up (the scheduler counts whole millicores).
 *
 * @example
 * ```ts
 * cpuMillicores('1.5'); // 1500
 * ```
 */
export function cpuMillicores(value: unknown, field = 'cpu'): number {
  return Math.ceil(Math.round(parseQuantity(value, field) * 1e6) / 1e3);
}

/**
 * Memory quantity in MiB (fractional MiB kept).
 *
 * @example
 * ```ts
 * memoryMebibytes('1Gi'); // 1024
 * ```
 */
export function memoryMebibytes(value: unknown, field = 'memory'): number {
  return parseQuantity(value, field) / 2 ** 20;
}
