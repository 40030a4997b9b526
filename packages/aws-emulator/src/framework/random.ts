/**
 * A seeded random source (mulberry32) and id generators, so a run is reproducible from its seed.
 */

/** Deterministic random numbers and AWS-looking ids. */
export interface RandomSource {
  /** A float in [0, 1). */
  next(): number;
  /** `length` characters drawn from `alphabet`. */
  chars(length: number, alphabet?: string): string;
  /** A lowercase hex string of `length` characters. */
  hex(length: number): string;
  /** A version-4-shaped UUID. */
  uuid(): string;
  /** An id like `AROA` + 17 uppercase letters/digits (IAM unique ids) when given `('AROA', 17)`. */
  id(prefix: string, length: number): string;
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * Creates a random source from an integer seed.
 * @example createRandom(1).hex(8) // same 8 hex chars for every run with seed 1
 */
export function createRandom(seed: number): RandomSource {
  let a = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const chars = (length: number, alphabet = UPPER_ALNUM): string => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
    return out;
  };
  const hex = (length: number): string => chars(length, '0123456789abcdef');
  return {
    next,
    chars,
    hex,
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${chars(1, '89ab')}${hex(3)}-${hex(12)}`,
    id: (prefix, length) => prefix + chars(length),
  };
}
