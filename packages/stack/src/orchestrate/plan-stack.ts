/** `planStack`: every change apply would make, computed by the procedures' dry runs. */
import type { AwsClients, Change, Finding, ProgressEvent } from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';
import { type CertificateRegionsOptions, checkRegionOptions } from './destroy-regions.js';
import { findOrphans, orphanChange, orphanScanOptions } from './orphans.js';
import { prefetchReads } from './prefetch.js';
import { runSteps } from './run-steps.js';
import { bindSharedReads } from './shared-reads.js';

/**
 * Options of {@link planStack}. `allRegions` / `regions` (issue 21): also look for the stack's
 * certificates in those regions; each found there is an orphan (`-`), and a region that cannot be
 * searched is a `warn` finding `stack.orphans.region` naming it and the error.
 */
export interface PlanStackOptions extends CertificateRegionsOptions {
  /** Plan as `apply --adopt` would run: resources made by hand are shown as adopted, not as blockers. */
  adopt?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: ProgressEvent) => void;
}

/** What {@link planStack} returns. */
export interface PlanStackResult {
  changes: Change[];
  /**
   * What the steps found beside the changes. A `fail` finding blocks the apply (e.g.
   * `autoscaler.oidc-provider`: IRSA without the cluster's IAM OIDC provider); its `hint` says what to
   * do first, and the changes it blocks say "blocked" in their summaries. Ownership: a resource
   * another stack owns is an `ownership` fail finding naming both stacks; one made by hand that the
   * stack does not adopt is an `ownership.adopt` fail finding (its `adopt:` change says what adopting
   * would change and which tag it adds).
   */
  findings: Finding[];
}

/**
 * The plan of a stack: each step's `ensure*` in dry run, in apply's order, and the findings that
 * block parts of it. Reads only; no mutating call is made.
 *
 * @example
 * ```ts
 * const stack = await loadStack('eks-kit.yaml');
 * const clients = await createClients({ region: stack.cluster.region });
 * const { changes, findings } = await planStack(clients, stack);
 * console.log(renderChanges(changes));
 * for (const f of findings.filter((f) => f.status === 'fail')) console.log(`blocked: ${f.message} (${f.hint})`);
 * // also the stack's certificates left in regions the file no longer names, shown as `-`:
 * const everywhere = await planStack(clients, stack, { allRegions: true });
 * ```
 */
export async function planStack(
  clients: AwsClients,
  stack: Stack,
  options: PlanStackOptions = {},
): Promise<PlanStackResult> {
  checkRegionOptions(stack, options); // a bad `regions`: refused before any call
  // One run of shared reads for the steps and the orphans (issue 22): ListCertificates, the roles
  // listing... are read once. The orphans' reads start at once, beside the steps'. The run is bound to
  // the client set, not to an async context (issue 21: one would make Node track every promise).
  const run = bindSharedReads(clients, 'read-only');
  prefetchReads(run, stack);
  const notices: Finding[] = [];
  const [{ changes, findings }, orphans] = await Promise.all([
    runSteps(run, stack, { dryRun: true, ...options }),
    // Orphans (issue 16): tagged for the stack, gone from the file; shown as `-`, deleted by apply --prune.
    // A role scan that had to read tags role by role says so, and so does a region of allRegions /
    // regions that could not be searched (issue 21).
    findOrphans(run, stack, orphanScanOptions(stack, options, notices)),
  ]);
  return { changes: [...changes, ...orphans.map(orphanChange)], findings: [...findings, ...notices] };
}
