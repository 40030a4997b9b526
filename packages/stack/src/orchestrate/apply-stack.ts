/** `applyStack`: converge AWS to the stack in dependency order, then wait for certificates. */
import { checkDelegation, waitUntilIssued } from '@eks-kit/acm-dns-validation';
import {
  type AwsClients,
  type Change,
  EksKitError,
  type Finding,
  InvalidInputError,
  type ProgressEvent,
  withRoute53From,
} from '@eks-kit/core';
import type { Stack } from '../schema/stack-schema.js';
import type { CertificateOutcome } from '../steps/step.js';
import { applyBlockedError, blockingFindings } from './blocked-apply.js';
import {
  type CertificateRegionsOptions,
  checkRegionOptions,
  searchesOtherRegions,
} from './destroy-regions.js';
import { findOrphans, orphanScanOptions, pruneOrphans } from './orphans.js';
import { keptRecordsLeft, planPrune } from './plan-stack.js';
import { prefetchReads } from './prefetch.js';
import { runSteps } from './run-steps.js';
import { bindFreshRun, bindSharedReads, forgetChangeableReads, joinRun } from './shared-reads.js';

/**
 * Options of {@link applyStack}. `allRegions` / `regions` (issue 21): also look for the stack's
 * certificates in those regions (settled before the first write: a refused ec2:DescribeRegions with
 * `allRegions` stops the apply with nothing changed); each found there is an orphan, deleted with
 * `prune` (a validation record a live certificate of the same name in any enabled region needs is
 * kept, as destroy does), else listed in `orphans`. A region that cannot be searched is a `warn`
 * finding `stack.orphans.region`.
 */
export interface ApplyStackOptions extends CertificateRegionsOptions {
  /** Apply without asking. Without it, `confirm` is asked with the plan first. */
  yes?: boolean;
  /**
   * Asked with the plan (its changes and the findings that block parts of it) when `yes` is not set;
   * apply proceeds only on `true`.
   */
  confirm?: (changes: readonly Change[], findings: readonly Finding[]) => Promise<boolean>;
  /**
   * Take over every resource of the stack that exists without an `eks-kit:stack` tag (made by hand)
   * (`eks-kit apply --adopt`). Without it, only the resources marked `adopt: true` in the stack file
   * are taken over, and any other such resource blocks the apply before its first write.
   */
  adopt?: boolean;
  /**
   * Delete the orphans: resources tagged for the stack that its file no longer describes
   * (`eks-kit apply --prune`). Without it they are left and counted in `orphans`.
   */
  prune?: boolean;
  /** Wait until every certificate is issued (default true). */
  wait?: boolean;
  /** Give up waiting for certificates after this many ms (default 30 minutes). */
  timeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: ProgressEvent) => void;
}

/** Result of {@link applyStack}. */
export interface ApplyStackResult {
  changes: Change[];
  /** The steps' findings (an apply stops with an error where a plan shows a blocking `fail`). */
  findings: Finding[];
  certificates: Array<{ domainName: string; arn: string | undefined; region: string; status: string }>;
  /** Orphans left in AWS (without `prune`): each resource and why; `eks-kit apply --prune` deletes them. */
  orphans: Array<{ resource: string; reason: string }>;
}

/**
 * Apply a stack: ASG tags, IAM roles, repositories, certificates and their validation records, then
 * (unless `wait: false`) wait until every certificate is ISSUED. It first runs the whole plan (reads
 * only): anything the plan shows as a blocking `fail` finding (IRSA without the cluster's IAM OIDC
 * provider, a resource another stack owns, one made by hand that is not adopted, a missing or
 * private-only zone, a group past its tag quota...) stops the apply with one `ApplyBlocked` error
 * naming every blocker and its fix, before any mutating call. Each step reads first and changes only
 * what differs, so a second apply changes nothing and an interrupted one is completed by the next; an
 * error half-way carries what was already changed (`changesBefore(error)`).
 *
 * @example
 * ```ts
 * const result = await applyStack(clients, stack, { yes: true, onEvent: (e) => console.error(e.message) });
 * console.log(renderChanges(result.changes, { verb: 'Applied' }));
 * // also delete the stack's certificates left in regions the file no longer names:
 * await applyStack(clients, stack, { yes: true, prune: true, allRegions: true });
 * ```
 */
export function applyStack(
  clients: AwsClients,
  stack: Stack,
  options: ApplyStackOptions = {},
): Promise<ApplyStackResult> {
  // One run of shared stable reads (account, cluster, OIDC provider, zones) for the plan and the apply,
  // bound to the client set, not to an async context (issue 21: one would make Node track every promise).
  return applyInRun(bindSharedReads(clients, 'stable'), stack, options);
}

/** {@link applyStack} with `stable`, the set bound to the apply's run of shared reads. */
async function applyInRun(
  stable: AwsClients,
  stack: Stack,
  options: ApplyStackOptions,
): Promise<ApplyStackResult> {
  if (options.yes !== true && !options.confirm)
    throw new InvalidInputError(
      'yes',
      options.yes,
      'yes: true, or a confirm callback that is shown the plan',
    );
  checkRegionOptions(stack, options); // a bad `regions`: refused before any call
  const base = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  };
  const adopt = options.adopt === true;
  // Refuse before the first write: every read and refusal the plan can find runs first.
  // Orphans (issue 16) are read beside the plan: nothing the apply writes can be one (the apply
  // writes only what the file describes), so the listing taken now is the one prune acts on.
  // The reads the stack file gives the input of start now (issue 22): the plan's chains (cluster ->
  // OIDC provider -> role trust, each role, each repository) then wait for AWS once, not per link.
  // Among them the registry's listing, first: it answers the orphans' listing and every repository
  // name the plan and the writes ask about (issue 21).
  prefetchReads(stable, stack, { forWrites: true });
  // A role scan that had to read tags role by role says so once, among the findings (issue 21).
  const notices: Finding[] = [];
  const orphansRead = findOrphans(stable, stack, orphanScanOptions(stack, options, notices));
  orphansRead.catch(() => undefined);
  const plan = await runSteps(stable, stack, { dryRun: true, adopt, ...base });
  const blocking = blockingFindings(plan.findings);
  if (blocking.length > 0) throw applyBlockedError(blocking);
  // With prune, the orphans it would delete are asked about too, before any write (review of issue 21);
  // the regions of allRegions / regions are settled before any write too (issue 21).
  if (searchesOtherRegions(options) || options.prune === true) await orphansRead;
  if (options.yes !== true && options.confirm) {
    // The deletions prune would make, as its delete procedures' dry runs give them: the changes (and
    // the count) the apply then reports (issue 21: a role is its inline policies and itself).
    const pruning = options.prune === true ? await planPrune(await orphansRead, options.signal) : undefined;
    const asked = [...plan.changes, ...(pruning?.changes ?? [])];
    if (asked.length > 0 && !(await options.confirm(asked, [...plan.findings, ...notices])))
      throw new EksKitError('Cancelled', 'apply cancelled: nothing was changed');
  }
  // The delegation of each zone a certificate still to be validated needs is read while the steps
  // write (issue 22: it depends on no write), for certificates whose zone is in this account.
  const early = new Map<string, Promise<Finding[]>>();
  if (options.yes === true)
    for (const cert of plan.certificates) {
      if (cert.status === 'ISSUED' || cert.dns) continue;
      early.set(`${cert.region} ${cert.domainName}`, delegationFindings(stable, stack, cert, options.signal));
    }
  // Reads of the plan serve the writes (a write drops what it may change), unless a person was asked
  // first: then the apply reads AWS afresh in a new run (nested in none).
  const applied = await runSteps(options.yes === true ? stable : bindFreshRun(stable, 'stable'), stack, {
    dryRun: false,
    adopt,
    ...base,
  });
  // The delegation checks and the wait go through the apply's own run, as the plan's reads did.
  const appliedClients = joinRun(applied.clients, stable);
  const certificates = applied.certificates.map(publicOutcome);
  // Before waiting: a pending certificate whose zone is not delegated will never be issued; say so now.
  for (const cert of applied.certificates) {
    if (!cert.arn || cert.status === 'ISSUED') continue;
    const delegation = await (early.get(`${cert.region} ${cert.domainName}`) ??
      delegationFindings(appliedClients, stack, cert, options.signal));
    for (const f of delegation.filter((d) => d.status !== 'ok')) {
      applied.findings.push(f);
      options.onEvent?.({
        type: 'certificate.delegation',
        message: `warning: ${cert.domainName} will stay PENDING_VALIDATION: ${f.message} (${f.hint ?? ''})`,
        resource: f.resource,
      });
    }
  }
  // Orphans (issue 16): deleted only with prune, each through its owned-only delete procedure.
  const orphans = await orphansRead;
  // The orphans' removes read through the plan's run: after writes made in a fresh run (a person was
  // asked), its answers may predate them (e.g. the ListCertificates that would show a certificate the
  // writes just requested, whose validation record a prune must keep: review of issue 21).
  if (options.yes !== true && options.prune === true) forgetChangeableReads(stable);
  const left: ApplyStackResult['orphans'] = [];
  if (options.prune === true) {
    const pruned = await pruneOrphans(orphans, base);
    applied.changes.push(...pruned.changes);
    for (const r of pruned.results)
      if (r.outcome === 'kept') left.push({ resource: r.resource, reason: r.reason ?? '' });
    // A validation record a pruned certificate left that no certificate is known to need (issue 21: a
    // region that could not be listed, a zone not known): named with why and how to delete it. One a
    // live certificate needs is where it should be.
    left.push(...keptRecordsLeft(pruned.keptRecords));
  } else for (const o of orphans) left.push({ resource: o.resource, reason: o.reason });
  if (options.wait !== false) {
    // A poller must see each new answer: only the run-stable facts (the zones) stay shared, with the
    // apply's run (a `poll` run nested in it, bound to the wait's clients).
    const poll = bindSharedReads(stable, 'poll');
    await Promise.all(
      applied.certificates.map(async (cert, index) => {
        const arn = cert.arn;
        if (!arn || cert.status === 'ISSUED') return;
        const regional = region(joinRun(applied.clients, poll), cert.region);
        // A zone in another account: the wait's record checks go through the DNS role too.
        const waitClients = cert.route53Clients
          ? withRoute53From(regional, joinRun(cert.route53Clients, poll))
          : regional;
        const done = await waitUntilIssued(waitClients, {
          arn,
          region: cert.region,
          timeout: options.timeoutMs ?? 30 * 60_000,
          changeIds: cert.changeIds,
          // This apply has just read or written every validation record in the public zone
          // chooseZone picked (it refuses private ones): the wait's own look-up of the records
          // would read the same record sets again (issue 21).
          checkRecords: false,
          // Records this run wrote an instant ago cannot be validated yet (ACM takes minutes,
          // docs/AWS-FACTS.md#acm-time-to-validate): the first look waits one interval (issue 21).
          recordsJustWritten: cert.changeIds.length > 0,
          ...base,
        });
        certificates[index] = { ...publicOutcome(cert), status: done.status };
      }),
    );
  }
  return {
    changes: applied.changes,
    findings: [...applied.findings, ...notices],
    certificates,
    orphans: left,
  };
}

/** Is each zone a certificate's validation records go to delegated from its parent? Never throws. */
function delegationFindings(
  clients: AwsClients,
  stack: Stack,
  cert: CertificateOutcome,
  signal: AbortSignal | undefined,
): Promise<Finding[]> {
  const spec = stack.certificates.find(
    (c) => c.domainName === cert.domainName && (c.region ?? stack.cluster.region) === cert.region,
  );
  const regional = region(clients, cert.region);
  // The DNS role's set is in the run of the step that assumed it; its reads here are in `clients`' run.
  const route53From = cert.route53Clients ? joinRun(cert.route53Clients, clients) : undefined;
  return checkDelegation({
    names: [cert.domainName, ...(spec?.subjectAlternativeNames ?? [])],
    zones: {
      clients: route53From ? withRoute53From(regional, route53From) : regional,
      label: cert.dns ? `account ${cert.dns.accountId} via ${cert.dns.roleArn}` : "the stack's account",
    },
    ...(route53From ? { parents: [{ clients, label: "the stack's account" }] } : {}),
    ...(spec?.zones ? { explicitZones: spec.zones } : {}),
    ...(signal ? { signal } : {}),
  }).catch(() => []);
}

function region(clients: AwsClients, name: string): AwsClients {
  return name === clients.region ? clients : clients.withRegion(name);
}

function publicOutcome(cert: CertificateOutcome): ApplyStackResult['certificates'][number] {
  return { domainName: cert.domainName, arn: cert.arn, region: cert.region, status: cert.status };
}
