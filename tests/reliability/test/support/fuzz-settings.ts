/**
 * Settings shared by the fuzz-*.test.ts files: a fixed seed (a failure reproduces; fast-check prints
 * the seed and path to replay it) and a number of runs that fits CI, raised by `pnpm fuzz`
 * (scripts/fuzz.mjs) through EKS_KIT_FUZZ_RUNS.
 */

/** The seed of every fuzz property (fixed: the same inputs on every run of `pnpm test`). */
export const FUZZ_SEED = 20_261_206;

/**
 * Runs of one property: EKS_KIT_FUZZ_RUNS when set (a positive whole number), else `ciRuns`.
 *
 * @example
 * ```ts
 * fc.assert(property, { seed: FUZZ_SEED, numRuns: fuzzRuns(300) });
 * ```
 */
export function fuzzRuns(ciRuns: number): number {
  const text = process.env.EKS_KIT_FUZZ_RUNS;
  if (text === undefined || text === '') return ciRuns;
  const runs = Number(text);
  if (!Number.isSafeInteger(runs) || runs < 1)
    throw new Error(`EKS_KIT_FUZZ_RUNS must be a positive whole number, got ${JSON.stringify(text)}`);
  return runs;
}

/** Per-test timeout for a property, scaled with the runs (CI runs finish in a few seconds). */
export function fuzzTimeout(ciRuns: number, ciTimeoutMs = 60_000): number {
  return Math.max(ciTimeoutMs, Math.ceil((fuzzRuns(ciRuns) / ciRuns) * ciTimeoutMs));
}
