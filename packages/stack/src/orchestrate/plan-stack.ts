/** `planStack`: every change apply would make, computed by the procedures' dry runs. */

import type { KeptValidationRecord } from '@eks-kit/acm-dns-validation';
import { type AwsClients, type Change, type Finding, mapConcurrent, type ProgressEvent } from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';
import { type CertificateRegionsOptions, checkRegionOptions, keptRecord } from './destroy-regions.js';
import { findOrphans, type Orphan, orphanScanOptions } from './orphans.js';
import { prefetchReads } from './prefetch.js';
import { runSteps } from './run-steps.js';
import { bindSharedReads } from './shared-reads.js';

/**
 * Options of {@link planStack}. `allRegions` / `regions` (issue 21): also look for the stack's
 * certificates in those regions; each found there is an orphan, and a region that cannot be
 * searched is a `warn` finding `stack.orphans.region` naming it and the error.
 */
export interface PlanStackOptions extends CertificateRegionsOptions {
  /** Plan as `apply --adopt` would run: resources made by hand are shown as adopted, not as blockers. */
  adopt?: boolean;
  /**
   * Plan as `apply --prune` would run (issue 21): each orphan's deletion is among the `changes`, as
   * its delete procedure's dry run gives it (the same changes `apply --prune` reports, e.g. a role's
   * inline policy and the role). Without it the orphans are not changes (apply leaves them): they are
   * listed in `orphans`.
   */
  prune?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: ProgressEvent) => void;
}

/** Orphans whose deletion `planPrune` reads at once. */
const PRUNE_PLAN_IN_FLIGHT = 8;

/** An orphan the apply planned would leave in AWS, and why. */
export interface LeftOrphan {
  /** As in a Change: `iam role x`, `ecr repository x`, `acm certificate d (arn)`, ... */
  resource: string;
  /**
   * Why it is an orphan (without `prune`), or why `apply --prune` would keep it (e.g. a repository
   * that holds images).
   */
  reason: string;
}

/** What {@link planStack} returns. */
export interface PlanStackResult {
  /**
   * What the apply planned would change, and only that: without `prune`, orphans are not here (see
   * `orphans`); with it, their deletions are.
   */
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
  /**
   * Orphans (resources tagged for the stack that its file no longer describes) the apply planned
   * would leave: all of them without `prune` (`apply --prune` deletes them), with it those its delete
   * procedure would keep, each with the reason. The same list `applyStack` returns as `orphans`.
   */
  orphans: LeftOrphan[];
}

/**
 * The plan of a stack: each step's `ensure*` in dry run, in apply's order, and the findings that
 * block parts of it. Reads only; no mutating call is made. It plans the apply of the same options:
 * orphans are changes only with `prune`, else they are listed in `orphans`.
 *
 * @example
 * ```ts
 * const stack = await loadStack('eks-kit.yaml');
 * const clients = await createClients({ region: stack.cluster.region });
 * const { changes, findings, orphans } = await planStack(clients, stack);
 * console.log(renderChanges(changes));
 * for (const f of findings.filter((f) => f.status === 'fail')) console.log(`blocked: ${f.message} (${f.hint})`);
 * for (const o of orphans) console.log(`left: ${o.resource} (apply --prune deletes it)`);
 * // as apply --prune --all-regions: the orphans' deletions, certificates left in other regions included
 * const pruning = await planStack(clients, stack, { prune: true, allRegions: true });
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
    // Orphans (issue 16): tagged for the stack, gone from the file; deleted by apply --prune.
    // A role scan that had to read tags role by role says so, and so does a region of allRegions /
    // regions that could not be searched (issue 21).
    findOrphans(run, stack, orphanScanOptions(stack, options, notices)),
  ]);
  const pruned =
    options.prune === true
      ? await planPrune(orphans, options.signal)
      : { changes: [], left: orphans.map(({ resource, reason }) => ({ resource, reason })) };
  return {
    changes: [...changes, ...pruned.changes],
    findings: [...findings, ...notices],
    orphans: pruned.left,
  };
}

/**
 * What `apply --prune` would do with `orphans`: each one's delete procedure in dry run (reads only).
 * `changes` are the deletions it would report (issue 21: a role's inline policy and the role are two,
 * as apply counts them); `left` the orphans it would keep, each with the reason (e.g. a repository
 * that holds images).
 *
 * @example
 * ```ts
 * const { changes, left } = await planPrune(await findOrphans(clients, stack));
 * console.log(renderChanges(changes));
 * ```
 */
export async function planPrune(
  orphans: readonly Orphan[],
  signal?: AbortSignal,
): Promise<{ changes: Change[]; left: LeftOrphan[] }> {
  // Reads only: a few at once (apply deletes them one by one); the results keep the orphans' order.
  // One options object: the removes of one pass decide a shared validation record once (orphans.ts).
  const pass = { dryRun: true, ...(signal ? { signal } : {}) };
  const results = await mapConcurrent(orphans, PRUNE_PLAN_IN_FLIGHT, (orphan) => orphan.remove(pass));
  const changes: Change[] = [];
  const left: LeftOrphan[] = [];
  results.forEach((r, i) => {
    changes.push(...r.changes);
    if (r.outcome === 'kept')
      left.push({
        resource: orphans[i]?.resource ?? r.resource,
        reason: [r.reason, r.hint].filter(Boolean).join('; '),
      });
  });
  // The validation records the deletes would leave with a command to remove them, as applyStack
  // lists them among its orphans (review of issue 21).
  left.push(...keptRecordsLeft(results.flatMap((r) => r.keptRecords ?? [])));
  return { changes, left };
}

/**
 * The validation records a prune leaves that no certificate is known to need (a region that could not
 * be listed, a zone not known), each with why and the command that deletes it: the orphans `planStack`
 * and `applyStack` list after a prune. One a live certificate needs is where it should be, not listed.
 *
 * @example
 * ```ts
 * left.push(...keptRecordsLeft(pruned.keptRecords));
 * ```
 */
export function keptRecordsLeft(records: readonly KeptValidationRecord[]): LeftOrphan[] {
  return records
    .filter((r) => r.command !== undefined)
    .map(keptRecord)
    .map((k) => ({ resource: k.resource, reason: k.hint ? `${k.reason}; ${k.hint}` : k.reason }));
}
