/**
 * `checkStack`: every check of a stack as findings. The CLI's `check` runs it; the checks Lambda can
 * run the same list ({@link stackChecks}) through {@link runChecks}.
 * Each check runs on its own: one that fails (even by throwing or timing out) never hides the others.
 */
import type { AwsClients, Finding } from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';
import { type CertificateRegionsOptions, checkRegionOptions } from './destroy-regions.js';
import { type RunChecksOptions, runChecks } from './run-checks.js';
import { stackChecks } from './stack-checks.js';

/**
 * Options of {@link checkStack}: those of {@link runChecks} (signal, events, clock, concurrency,
 * per-check timeout), and `allRegions` / `regions` (issue 21): the orphans check also looks for the
 * stack's certificates in those regions.
 */
export interface CheckStackOptions extends RunChecksOptions, CertificateRegionsOptions {}

/**
 * Run every check of the stack ({@link stackChecks}): drift of each apply step (what `plan` would
 * change), the autoscaler set-up (tags, role, trust, OIDC provider, headroom) and certificate health
 * (status, expiry, renewal, validation records, CAA). Checks run concurrently (at most
 * `concurrency`) and share the run's reads; one that throws or outlives `checkTimeoutMs` becomes a
 * `fail` finding and the others still run. Each check's duration comes as a `check.done` event.
 *
 * @example
 * ```ts
 * const findings = await checkStack(clients, stack, {
 *   checkTimeoutMs: 60_000,
 *   onEvent: (e) => e.type === 'check.done' && console.error(`${e.check}: ${e.durationMs} ms`),
 * });
 * process.exitCode = findings.some((f) => f.status === 'fail') ? 2 : 0;
 * // a certificate of the stack left in another region is a `stack.orphan` warning too:
 * await checkStack(clients, stack, { regions: ['eu-west-1'] });
 * ```
 */
export async function checkStack(
  clients: AwsClients,
  stack: Stack,
  options: CheckStackOptions = {},
): Promise<Finding[]> {
  checkRegionOptions(stack, options); // a bad `regions`: refused before any call
  const runs = await runChecks(stackChecks(stack, options), clients, options);
  return runs.flatMap((run) => run.findings);
}
