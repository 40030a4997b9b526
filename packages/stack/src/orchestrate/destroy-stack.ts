/**
 * `planDestroy` / `destroyStack` (issue 16): remove what a stack owns, and nothing else, in the
 * reverse of apply's dependency order. Every deletion goes through its package's owned-only
 * `delete*` / `remove*` procedure, so an untagged or foreign resource is never touched.
 */
import {
  deleteCertificate,
  describeCertificate,
  listHostedZones,
  type RecordsOfRun,
} from '@eks-kit/acm-dns-validation';
import { removeAutoDiscoveryTags } from '@eks-kit/asg-discovery';
import {
  type AwsClients,
  type Change,
  type DeleteResult,
  EksKitError,
  type Finding,
  InvalidInputError,
  type ProgressEvent,
} from '@eks-kit/core';
import { deleteRepository } from '@eks-kit/ecr-credentials';
import { deleteRole } from '@eks-kit/iam-policies';
import type { Stack } from '../schema/stack-schema.js';
import { certificateDns } from '../steps/certificates.js';
import {
  type AccountRegions,
  accountRegionsOrWhy,
  type CertificateRegionsOptions,
  certificateSearchRegions,
  checkRegionOptions,
  keptRecord,
  type RegionFailure,
  RegionSearchError,
  recordZoneSettings,
  sharedRecords,
} from './destroy-regions.js';
import { autoscalerRoleName, runnerRoleName, stackRepositoryNames } from './names.js';
import { type CertificateSummary, certificatesOfStackIn, findOrphans, taggingNotice } from './orphans.js';
import { prefetchRepository } from './prefetch.js';
import { bindSharedReads, startRepositoryListing } from './shared-reads.js';

/** Options of {@link planDestroy} and {@link destroyStack}. */
export interface DestroyStackOptions extends CertificateRegionsOptions {
  /** Delete repositories with the images they hold (`--force-delete-images`). Default: such a repository is kept. */
  forceDeleteImages?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: ProgressEvent) => void;
}

/** One resource {@link destroyStack} kept, and why. */
export interface KeptResource {
  resource: string;
  /** `not-owned`: untagged or another stack's, never touched; `refused`: deleting would lose something. */
  because: 'not-owned' | 'refused';
  reason: string;
  /** How to delete it anyway, when there is a way. */
  hint?: string;
  /**
   * A validation CNAME kept: its name, type, value, zone id (when its zone is known) and the aws CLI
   * line that deletes it (when no certificate is known to need it: kept only because that could not be
   * checked, e.g. a region an SCP denies).
   */
  record?: { name: string; type: 'CNAME'; value: string; zoneId?: string; command?: string };
}

/** What {@link planDestroy} and {@link destroyStack} answer. */
export interface DestroyStackResult {
  /** Every deletion, in order (in a plan: what would be deleted). */
  changes: Change[];
  /** The resources deleted (or, in a plan, to be deleted), in order. */
  deleted: string[];
  /** The resources kept, each with why. */
  kept: KeptResource[];
  /** The regions where the stack's certificates were looked for (by their tag), sorted. */
  certificateRegions: string[];
  /**
   * Extra regions (`allRegions`, `regions`) that could not be searched, each with the error (a
   * disabled opt-in region, a region an SCP denies): nothing there was found or deleted.
   */
  failedRegions: RegionFailure[];
  /**
   * Warnings of the scans (`stack.orphans.tags`): a scan that could not use GetAccountAuthorizationDetails
   * or the Tagging API and read each resource's tags instead. What was found is the same.
   */
  notices: Finding[];
}

/**
 * One destroy (or its plan) in one run of shared reads (issue 22): a deletion drops what it may change.
 * Bad options are a rejection before any call.
 */
async function runDestroy(
  clients: AwsClients,
  stack: Stack,
  dryRun: boolean,
  options: DestroyStackOptions,
): Promise<DestroyStackResult> {
  checkRegionOptions(stack, options);
  // Bound to the client set, not to an async context (issue 21: one would make Node track every promise).
  const run = bindSharedReads(clients, dryRun ? 'read-only' : 'stable');
  // Settled before the first write (review of issue 21), so a refused ec2:DescribeRegions stops destroy
  // with nothing deleted: the account's regions (a certificate's validation record is shared by the
  // certificates of its name in every region: one is deleted only when none of them needs it) and
  // where to look for the stack's certificates.
  const accountRegions = await accountRegionsOrWhy(run, options);
  const searched = await certificateSearchRegions(
    run,
    stack,
    options,
    Array.isArray(accountRegions) ? accountRegions : undefined,
  );
  return destroyInRun(run, stack, dryRun, options, { ...searched, accountRegions });
}

const emptyResult = (): DestroyStackResult => ({
  changes: [],
  deleted: [],
  kept: [],
  certificateRegions: [],
  failedRegions: [],
  notices: [],
});

async function destroyInRun(
  clients: AwsClients,
  stack: Stack,
  dryRun: boolean,
  options: DestroyStackOptions,
  searched: { own: string[]; extra: string[]; accountRegions: AccountRegions },
): Promise<DestroyStackResult> {
  const base: DestroyBase = {
    dryRun,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  };
  // Issue 22: the kinds (certificates, repositories, roles, group tags, orphans) do not depend on each
  // other, so they are found and deleted at once; each keeps its own order and the result reads in
  // the sequential order (certificates, repositories, roles, tags).
  const parts = [0, 1, 2, 3, 4].map(emptyResult);
  const name = stack.name;
  // 1. Certificates (and their validation records): found by their tag (destroyCertificates).
  const certificates = (result: DestroyStackResult): Promise<void> =>
    destroyCertificates(clients, stack, options, base, result, searched);
  // 2. Repositories: a cache repository before its image repository (the order a rerun after a crash
  // relies on); the repositories of different stack entries do not wait for each other, and every
  // repository's reads (DescribeRepositories, then its tags) start at once, so the image
  // repository's deletion waits only for the cache's (issue 22).
  const repositories = async (result: DestroyStackResult): Promise<void> => {
    const record = recordInto(result);
    const names = stackRepositoryNames(stack);
    // Several repositories: one listing of the registry says which exist (issue 21). Each name's
    // answer (and its tags) is taken now, before the first delete drops the listing from the run's
    // reads; a failed listing only costs the call.
    if (names.length > 1) await startRepositoryListing(clients).catch(() => undefined);
    await Promise.all(
      names.map((repositoryName) => prefetchRepository(clients, repositoryName, { lifecycle: false })),
    );
    const spec = (repository: string) => ({
      name: repository,
      stack: name,
      forceDeleteImages: options.forceDeleteImages === true,
    });
    const outcomes = new Map<string, DeleteResult>();
    // Entries do not depend on each other (issue 22): deleted at once; a cache before its repository.
    await Promise.all(
      stack.repositories.map(async (r) => {
        for (const repository of r.cache ? [`${r.name}/cache`, r.name] : [r.name]) {
          options.signal?.throwIfAborted();
          outcomes.set(repository, await deleteRepository(clients, spec(repository), base));
        }
      }),
    );
    // Reported in the sequential order (the names reversed: a cache before its repository).
    for (const repository of [...names].reverse()) {
      const outcome = outcomes.get(repository);
      if (outcome) record(outcome);
    }
  };
  // 3. Roles: the GitLab build role and the autoscaler's do not depend on each other: deleted at
  // once (issue 22), reported in that order.
  const roles = async (result: DestroyStackResult): Promise<void> => {
    const record = recordInto(result);
    const names: string[] = [];
    if (stack.gitlab) names.push(runnerRoleName(stack));
    if (stack.autoscaler) names.push(autoscalerRoleName(stack));
    const settled = await Promise.allSettled(
      names.map((role) => deleteRole(clients, { name: role, stack: name }, base)),
    );
    for (const outcome of settled) if (outcome.status === 'fulfilled') record(outcome.value);
    const failed = settled.find((x): x is PromiseRejectedResult => x.status === 'rejected');
    if (failed) throw failed.reason;
  };
  // 4. Worker groups: never deleted; only the tags this stack wrote go.
  const groupTags = async (result: DestroyStackResult): Promise<void> => {
    if (stack.autoscaler) {
      const tags = await removeAutoDiscoveryTags(clients, { cluster: stack.cluster.name, stack: name }, base);
      result.changes.push(...tags.changes);
      result.deleted.push(
        ...tags.groups.map((g) => `autoscaling group ${g} (its eks-kit tags; the group stays)`),
      );
    }
  };
  // 5. Orphans: roles and repositories tagged for the stack that the file no longer names (applied
  // without --prune), and group tags left by a removed autoscaler section. The stack made them, so
  // destroy removes them too, each through its owned-only procedure; certificates are part 1's (it
  // finds every certificate tagged for the stack). A repository holding images is kept unless
  // forceDeleteImages, as the file's own; a cache repository goes before its image repository.
  const orphans = async (result: DestroyStackResult): Promise<void> => {
    const record = recordInto(result);
    const found = await findOrphans(clients, stack, {
      certificates: false,
      ...(options.signal ? { signal: options.signal } : {}),
      onNotice: (n) => result.notices.push(n),
    });
    const ordered = [...found].sort((a, b) =>
      b.resource > a.resource ? 1 : b.resource < a.resource ? -1 : 0,
    );
    for (const orphan of ordered) {
      options.signal?.throwIfAborted();
      record(await orphan.remove({ ...base, forceDeleteImages: options.forceDeleteImages === true }));
    }
  };
  const runs = [certificates, repositories, roles, groupTags, orphans].map((kind, i) =>
    kind(parts[i] as DestroyStackResult),
  );
  const settled = await Promise.allSettled(runs);
  const failed = settled.find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (failed) throw failed.reason;
  const result = emptyResult();
  for (const part of parts) mergeInto(result, part);
  return result;
}

/**
 * What `destroy` would delete and keep, with reads only: certificates of the stack (found by
 * their `eks-kit:stack` tag) with the validation records no other certificate needs,
 * repositories, roles, then the tags on worker groups, in that order (the reverse of apply), and
 * the stack's orphans (roles and repositories tagged for it that the file no longer names).
 *
 * @example
 * ```ts
 * const plan = await planDestroy(clients, stack);
 * console.log(renderChanges(plan.changes));
 * for (const k of plan.kept) console.log(`kept ${k.resource}: ${k.reason}`);
 * ```
 */
export function planDestroy(
  clients: AwsClients,
  stack: Stack,
  options: DestroyStackOptions = {},
): Promise<DestroyStackResult> {
  return runDestroy(clients, stack, true, options);
}

/**
 * Delete everything the stack owns, in reverse dependency order, after showing the plan to
 * `confirm` (unless `yes`). Never touches an untagged or foreign resource; keeps what must not be
 * lost (a repository with images unless `forceDeleteImages`, a certificate in use, a validation
 * record another certificate needs) and says why in `kept`. Idempotent: a second run deletes
 * nothing and makes no mutating call; a run killed after any deletion is finished by the next.
 *
 * @example
 * ```ts
 * const result = await destroyStack(clients, stack, { yes: true });
 * console.log(result.deleted, result.kept);
 * // also the stack's certificates left in regions the file no longer names:
 * await destroyStack(clients, stack, { yes: true, allRegions: true });
 * ```
 */
export async function destroyStack(
  clients: AwsClients,
  stack: Stack,
  options: DestroyStackOptions & {
    yes?: boolean;
    confirm?: (plan: DestroyStackResult) => Promise<boolean>;
  } = {},
): Promise<DestroyStackResult> {
  if (options.yes !== true && !options.confirm)
    throw new InvalidInputError(
      'yes',
      options.yes,
      'yes: true, or a confirm callback that is shown the plan',
    );
  if (options.yes !== true && options.confirm) {
    const plan = await runDestroy(clients, stack, true, options);
    if (plan.changes.length > 0 && !(await options.confirm(plan)))
      throw new EksKitError('Cancelled', 'destroy cancelled: nothing was deleted');
  }
  return runDestroy(clients, stack, false, options);
}

/** Records one delete's outcome into a destroy result. */
const recordInto =
  (result: DestroyStackResult) =>
  (r: DeleteResult): void => {
    result.changes.push(...r.changes);
    if (r.outcome === 'deleted') result.deleted.push(r.resource);
    else if (r.outcome === 'kept')
      result.kept.push({
        resource: r.resource,
        because: r.keptBecause ?? 'refused',
        reason: r.reason ?? '',
        ...(r.hint !== undefined ? { hint: r.hint } : {}),
      });
  };

/**
 * The stack's certificates (and their validation records): the stack does not keep ARNs, AWS is the
 * state, so every certificate tagged for the stack is found by its tag in each region searched (the
 * stack's own, and with `allRegions`/`regions` the others). Regions are searched at once (ACM's quotas
 * are per region), then deleted at once; the result reads in region order. A failure in one of the
 * stack's own regions stops destroy as before; an extra region that fails is reported in
 * `failedRegions`. Every certificate found is known before the first deletion (issue 21): one the same
 * destroy deletes does not keep a validation record, and a record two of them share (one name in two
 * regions) is deleted, or kept, once.
 */
async function destroyCertificates(
  clients: AwsClients,
  stack: Stack,
  options: DestroyStackOptions,
  base: DestroyBase,
  result: DestroyStackResult,
  { own, extra, accountRegions }: { own: string[]; extra: string[]; accountRegions: AccountRegions },
): Promise<void> {
  const regions = [...own, ...extra].sort();
  const parts = new Map(regions.map((region) => [region, emptyResult()]));
  const extraSet = new Set(extra);
  const listed = await Promise.allSettled(
    regions.map(async (region) => {
      const part = parts.get(region) as DestroyStackResult;
      try {
        return await stackCertificatesIn(clients, stack, region, extraSet.has(region), options, part);
      } catch (err) {
        if (!extraSet.has(region) || !(err instanceof RegionSearchError)) throw err;
        part.failedRegions.push({ region, code: err.code, message: err.message });
        return [];
      }
    }),
  );
  const failed = listed.find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (failed) throw failed.reason;
  const found = listed.map((x) => (x as PromiseFulfilledResult<CertificateSummary[]>).value);
  const run: RecordsOfRun = {
    deleting: new Set(found.flat().map((s) => s.CertificateArn as string)),
    claimed: new Set(),
  };
  const deleted = await Promise.allSettled(
    regions.map((region, i) =>
      deleteCertificatesIn(
        clients,
        stack,
        { region, certificates: found[i] ?? [], accountRegions, run },
        base,
        parts.get(region) as DestroyStackResult,
      ),
    ),
  );
  const stopped = deleted.find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (stopped) throw stopped.reason;
  // Only the regions searched: a region that failed is in failedRegions, not among those looked in.
  const failedSet = new Set([...parts.values()].flatMap((p) => p.failedRegions.map((f) => f.region)));
  result.certificateRegions.push(...regions.filter((r) => !failedSet.has(r)));
  for (const region of regions) mergeInto(result, parts.get(region) as DestroyStackResult);
}

/** Appends a part of a destroy's result (a kind, a region) to the whole, in order. */
function mergeInto(result: DestroyStackResult, part: DestroyStackResult): void {
  result.changes.push(...part.changes);
  result.deleted.push(...part.deleted);
  result.kept.push(...part.kept);
  result.certificateRegions.push(...part.certificateRegions);
  result.failedRegions.push(...part.failedRegions);
  result.notices.push(...part.notices);
}

type DestroyBase = { dryRun: boolean; signal?: AbortSignal; onEvent?: (event: ProgressEvent) => void };

/** The stack's certificates of one region (found by their tag), with what deleting them reads next started. */
async function stackCertificatesIn(
  clients: AwsClients,
  stack: Stack,
  region: string,
  extra: boolean,
  options: DestroyStackOptions,
  result: DestroyStackResult,
): Promise<CertificateSummary[]> {
  const name = stack.name;
  options.signal?.throwIfAborted();
  const regional = region === clients.region ? clients : clients.withRegion(region);
  // A certificate of one of the stack's names is most likely the stack's: its description and the
  // hosted zones (what deleting it reads next) are read beside its tags (issue 22). Another
  // certificate is described only once its tags say it is the stack's. Which are the stack's: one
  // Tagging API call when more than one certificate is listed, else each one's tags
  // (certificatesOfStackIn, shared with the orphan scan; issue 21). The zones only in the stack's
  // account: a certificate with a `dns` role reads them through the role.
  const names = new Set(stack.certificates.map((c) => c.domainName));
  const roleFree = new Set(
    stack.certificates.filter((c) => !certificateDns(stack, c)).map((c) => c.domainName),
  );
  const { certificates, notice } = await certificatesOfStackIn(regional, region, name, {
    extra,
    signal: options.signal,
    onListed: (summaries) => {
      for (const s of summaries) {
        if (!s.CertificateArn || !s.DomainName || !names.has(s.DomainName)) continue;
        void describeCertificate(regional, s.CertificateArn, options.signal).catch(() => undefined);
        if (roleFree.has(s.DomainName)) void listHostedZones(regional, options.signal).catch(() => undefined);
      }
    },
  });
  if (notice) result.notices.push(taggingNotice(name, `acm certificates of ${region}`, notice));
  return certificates;
}

/**
 * The stack's certificates of one region, deleted (or planned) with their validation records, in the
 * zone apply chose, through the file's `dns` role (recordZoneSettings).
 */
async function deleteCertificatesIn(
  clients: AwsClients,
  stack: Stack,
  where: {
    region: string;
    certificates: CertificateSummary[];
    accountRegions: AccountRegions;
    run: RecordsOfRun;
  },
  base: DestroyBase,
  result: DestroyStackResult,
): Promise<void> {
  const { region, run } = where;
  // The other regions whose certificates may share a validation record with one deleted here (or,
  // without the account's regions, why every record is kept).
  const shared = sharedRecords(region, where.accountRegions);
  const record = recordInto(result);
  const regional = region === clients.region ? clients : clients.withRegion(region);
  for (const s of where.certificates) {
    base.signal?.throwIfAborted();
    const arn = s.CertificateArn as string;
    const records = await recordZoneSettings(clients, regional, stack, s.DomainName);
    const r = records.label(
      await deleteCertificate(
        records.clients,
        { arn, stack: stack.name, ...shared, ...records.spec, run },
        base,
      ),
    );
    record({ ...r, resource: `acm certificate ${s.DomainName ?? ''} (${arn})` });
    result.kept.push(...r.keptRecords.map(keptRecord));
  }
}
