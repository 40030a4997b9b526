/**
 * Orphans (issue 16): resources tagged `eks-kit:stack=<name>` that the stack file no longer
 * describes. plan and apply show each as a `-` change with the reason; apply deletes them only with
 * `prune`; check warns on each. Found with the services' own listings, and the tags of those the file
 * does not name read in few calls: the Resource Groups Tagging API for repositories and certificates,
 * IAM's GetAccountAuthorizationDetails for roles (issue 21; the package README says which services the
 * Tagging API covers). Certificates are looked for in the stack's regions, and with `allRegions` /
 * `regions` in others too (issue 21: one left in a region the file no longer names).
 */
import {
  certificateTags,
  deleteCertificate,
  type KeptValidationRecord,
  listCertificates,
  type RecordsOfRun,
} from '@eks-kit/acm-dns-validation';
import { removeAutoDiscoveryTags } from '@eks-kit/asg-discovery';
import {
  type AwsClients,
  type Change,
  type DeleteOptions,
  type DeleteResult,
  type Finding,
  finding,
  findTaggedResources,
  isNotFoundError,
  mapConcurrent,
  PER_RESOURCE_TAG_READS_AT_MOST,
  STACK_TAG_KEY,
} from '@eks-kit/core';
import { deleteRepository, scanRepositoriesOfStack } from '@eks-kit/ecr-credentials';
import { deleteRole, scanRolesOfStack } from '@eks-kit/iam-policies';
import { checkerNames } from '../checker/checker-names.js';
import type { Stack } from '../schema/stack-schema.js';
import {
  type AccountRegions,
  accountRegionsOrWhy,
  type CertificateRegionsOptions,
  certificateSearchRegions,
  checkRegionOptions,
  enabledRegions,
  type RegionFailure,
  RegionSearchError,
  recordZoneSettings,
  regionFailureFinding,
  searchRead,
  sharedRecords,
} from './destroy-regions.js';
import { autoscalerRoleName, runnerRoleName, stackRepositoryNames } from './names.js';

/** One resource of the stack that its file no longer describes. */
export interface Orphan {
  /** As in a Change: `iam role x`, `ecr repository x`, `acm certificate d (arn)`, `autoscaling group x`. */
  resource: string;
  /** Why it is an orphan. */
  reason: string;
  /**
   * Delete it (owned-only, idempotent, dry run), with the package's delete procedure. For a repository,
   * `forceDeleteImages` deletes it with its images (destroy's `--force-delete-images`); without it a
   * repository holding images is kept.
   */
  remove: (
    options: DeleteOptions & { forceDeleteImages?: boolean },
  ) => Promise<DeleteResult & { keptRecords?: KeptValidationRecord[] }>;
}

/**
 * Options of {@link findOrphans}. With `allRegions` / `regions` (issue 21) the stack's certificates
 * are also looked for beyond its own regions: one the stack made in a region the file no longer names
 * (the entry removed or moved to another region) is an orphan too.
 */
export interface FindOrphansOptions extends CertificateRegionsOptions {
  signal?: AbortSignal;
  /**
   * Look for orphan certificates (default true). `destroy` passes false: it finds every certificate
   * tagged for the stack by its tag already, orphans included.
   */
  certificates?: boolean;
  /**
   * Told once when the role scan could not use iam:GetAccountAuthorizationDetails (AccessDenied) and read
   * each role's tags on its own instead: a `warn` finding `stack.orphans.tags` (issue 21). The orphans
   * found are the same; plan, apply and check show it.
   */
  onNotice?: (notice: Finding) => void;
  /**
   * Told about each region beyond the stack's own (`allRegions`, `regions`) whose certificates could
   * not be listed or their tags read (a disabled opt-in region, a region an SCP denies); the scan goes
   * on without it. Without `onRegionFailure` such a failure is thrown.
   */
  onRegionFailure?: (failure: RegionFailure) => void;
}

const REASON = 'tagged for this stack but no longer in the stack file';

/**
 * Role names the orphan scan never reads (lower case): the stack's own roles, and the checks Lambda's
 * default role names, which CloudFormation deletes (the template now also tags them eks-kit:managed-by,
 * which findRolesOfStack skips; the names cover checkers deployed before that tag).
 */
function rolesNotOrphans(stack: Stack): string[] {
  const names: string[] = [];
  if (stack.autoscaler) names.push(autoscalerRoleName(stack));
  if (stack.gitlab) names.push(runnerRoleName(stack));
  const checker = checkerNames(stack.name).roleName;
  names.push(checker, `${checker}-run`);
  return names.map((n) => n.toLowerCase());
}

/** The `warn` a role scan that fell back to per-role tag reads gives (issue 21). */
function roleScanNotice(stack: string, notice: string): Finding {
  return scanNotice(stack, 'iam roles', notice, 'iam:GetAccountAuthorizationDetails');
}

/** The one `stack.orphans.tags` warning of a scan that fell back to per-resource tag reads (issue 21). */
function scanNotice(stack: string, what: string, notice: string, grant: string): Finding {
  return finding('stack.orphans.tags', `${what} tagged eks-kit:stack=${stack}`, 'warn', notice, {
    hint: `grant ${grant} (Resource "*") to the identity eks-kit runs as; a checks Lambda: deploy it again (eks-kit check --checker shows its role's reads)`,
  });
}

/** The stack's orphan roles (issue 16), read in few calls (issue 21); a fallback is told to `onNotice`. */
async function roleOrphans(
  clients: AwsClients,
  stack: Stack,
  options: FindOrphansOptions,
): Promise<Orphan[]> {
  const name = stack.name;
  const scan = await scanRolesOfStack(
    clients,
    name,
    rolesNotOrphans(stack),
    options.signal ? { signal: options.signal } : {},
  );
  if (scan.notice) options.onNotice?.(roleScanNotice(name, scan.notice));
  return scan.roles.map((roleName) => ({
    resource: `iam role ${roleName}`,
    reason: REASON,
    remove: (o) => deleteRole(clients, { name: roleName, stack: name }, o),
  }));
}

/** The stack's orphan repositories (issue 16), their tags read in few calls (issue 21); a fallback is told to `onNotice`. */
async function repositoryOrphans(
  clients: AwsClients,
  stack: Stack,
  options: FindOrphansOptions,
): Promise<Orphan[]> {
  const name = stack.name;
  const scan = await scanRepositoriesOfStack(
    clients,
    name,
    stackRepositoryNames(stack),
    options.signal ? { signal: options.signal } : {},
  );
  if (scan.notice) options.onNotice?.(taggingNotice(name, 'ecr repositories', scan.notice));
  return scan.repositories.map((repoName) => ({
    resource: `ecr repository ${repoName}`,
    reason: REASON,
    remove: ({ forceDeleteImages, ...o }) =>
      deleteRepository(
        clients,
        { name: repoName, stack: name, forceDeleteImages: forceDeleteImages === true },
        o,
      ),
  }));
}

/**
 * Which of `candidates` (certificates of one region) are tagged for `stack`: one Resource Groups
 * Tagging API GetResources when there is more than one (issue 21: an account with 200 certificates
 * the file does not name paid 200 ListTagsForCertificate at ACM's 10 a second), else, or without
 * `tag:GetResources`, ListTagsForCertificate per candidate, a few at a time. destroy finds the stack's
 * certificates of a region with it too.
 *
 * @example
 * ```ts
 * const owned = await certificatesOfStack(clients, 'eu-west-1', 'prod', summaries, undefined); // [true, false, ...]
 * ```
 */
export async function certificatesOfStack(
  regional: AwsClients,
  region: string,
  stack: string,
  candidates: ReadonlyArray<{ CertificateArn?: string | undefined }>,
  signal: AbortSignal | undefined,
): Promise<{ owned: boolean[]; notice?: string }> {
  let notice: string | undefined;
  if (candidates.length > PER_RESOURCE_TAG_READS_AT_MOST) {
    const answer = await findTaggedResources(regional, {
      resourceType: 'acm:certificate',
      key: STACK_TAG_KEY,
      value: stack,
      region,
      ...(signal ? { signal } : {}),
    });
    if (answer.arns) {
      const arns = new Set(answer.arns);
      return { owned: candidates.map((c) => arns.has(c.CertificateArn as string)) };
    }
    notice = `read the tags of ${candidates.length} certificates of ${region} one by one: ${answer.message}`;
  }
  const owned = await mapConcurrent(candidates, TAG_READS_IN_FLIGHT, async (c) => {
    try {
      return (
        (await certificateTags(regional, c.CertificateArn as string, region, signal))[STACK_TAG_KEY] === stack
      );
    } catch (error) {
      // Deleted between the listing and the read: not the stack's any more.
      if (signal?.aborted !== true && isNotFoundError(error)) return false;
      throw error;
    }
  });
  return { owned, ...(notice ? { notice } : {}) };
}

/** One certificate of a listing (ListCertificates' summary). */
export type CertificateSummary = Awaited<ReturnType<typeof listCertificates>>[number];

/**
 * The certificates of `region` tagged for `stack`, among those listed that `skip` does not set aside:
 * one ListCertificates walk, then {@link certificatesOfStack}. In an `extra` region (beyond the stack's
 * own) an AWS failure is a `RegionSearchError` (the caller reports the region). `onListed` is given the
 * listing before the tags are read (destroy starts the reads of a deletion there). destroy and the
 * orphan scan find the stack's certificates of a region with it.
 *
 * @example
 * ```ts
 * const { certificates } = await certificatesOfStackIn(regional, 'eu-west-1', 'prod', { extra: true });
 * ```
 */
export async function certificatesOfStackIn(
  regional: AwsClients,
  region: string,
  stack: string,
  options: {
    extra: boolean;
    signal?: AbortSignal | undefined;
    skip?: (summary: CertificateSummary) => boolean;
    onListed?: (summaries: readonly CertificateSummary[]) => void;
  },
): Promise<{ certificates: CertificateSummary[]; notice?: string }> {
  const { extra, signal } = options;
  const summaries = await searchRead(extra, signal, () =>
    listCertificates(regional, { region, ...(signal ? { signal } : {}) }),
  );
  options.onListed?.(summaries);
  const listed = summaries.filter((s) => s.CertificateArn && options.skip?.(s) !== true);
  const { owned, notice } = await searchRead(extra, signal, () =>
    certificatesOfStack(regional, region, stack, listed, signal),
  );
  return { certificates: listed.filter((_, i) => owned[i]), ...(notice ? { notice } : {}) };
}

/**
 * The `warn` a repository or certificate scan that could not use the Tagging API gives (issue 21).
 *
 * @example
 * ```ts
 * taggingNotice('prod', 'ecr repositories', 'read the tags of 40 repositories one by one: ...');
 * ```
 */
export function taggingNotice(stack: string, what: string, notice: string): Finding {
  return scanNotice(stack, what, notice, 'tag:GetResources');
}

/** Tag reads in flight at once when each certificate's tags are read on its own (ACM's quota paces them). */
const TAG_READS_IN_FLIGHT = 8;

/** What the orphan scan found in one region, or why it could not search it. */
type RegionScan = {
  regional: AwsClients;
  certificates: CertificateSummary[];
  notice?: string | undefined;
  failure?: RegionFailure;
};

/**
 * The stack's orphan certificates: in each region searched (the stack's own, and with `allRegions` /
 * `regions` the others, all at once; issue 21) those tagged for it whose names the file does not
 * request there. An extra region that cannot be searched is told to `onRegionFailure`. Deleting one
 * keeps a validation record a live certificate of the same name in any enabled region still needs, as
 * destroy does (the account's regions are read once, at the first deletion, unless already read).
 */
async function certificateOrphans(
  clients: AwsClients,
  stack: Stack,
  options: FindOrphansOptions,
): Promise<Orphan[]> {
  const { name } = stack;
  const { signal } = options;
  const enabled = options.allRegions === true ? await enabledRegions(clients, signal) : undefined;
  const { own, extra } = await certificateSearchRegions(clients, stack, options, enabled);
  let accountRegions: Promise<AccountRegions> | undefined = enabled ? Promise.resolve(enabled) : undefined;
  const accountRegionsOf = (): Promise<AccountRegions> =>
    (accountRegions ??= accountRegionsOrWhy(clients, signal ? { signal } : {}));
  const extraSet = new Set(extra);
  const regions = [...own, ...extra].sort();
  const perRegion = await Promise.all(
    regions.map(async (region): Promise<RegionScan> => {
      const regional = region === clients.region ? clients : clients.withRegion(region);
      const wanted = new Set(
        stack.certificates
          .filter((c) => (c.region ?? stack.cluster.region) === region)
          .map((c) => c.domainName.toLowerCase()),
      );
      try {
        const found = await certificatesOfStackIn(regional, region, name, {
          extra: extraSet.has(region),
          signal,
          skip: (c) => wanted.has((c.DomainName ?? '').toLowerCase()),
        });
        return { regional, ...found };
      } catch (err) {
        if (!(err instanceof RegionSearchError) || !options.onRegionFailure) throw err;
        return { regional, certificates: [], failure: { region, code: err.code, message: err.message } };
      }
    }),
  );
  // Told in region order, whichever answered first. Every orphan certificate is known before the
  // first is pruned (issue 21): one prune deletes does not keep a record, one record is decided once
  // per pass. A pass is the options object its removes share (planPrune's dry run, pruneOrphans'
  // deletes): the confirm's dry run must not claim the records the deletes after it decide (review
  // of issue 21: an interactive apply --prune left every pruned certificate's record).
  const deleting = new Set(perRegion.flatMap((p) => p.certificates.map((c) => c.CertificateArn as string)));
  const passes = new WeakMap<object, RecordsOfRun>();
  const runOf = (pass: object): RecordsOfRun => {
    let run = passes.get(pass);
    if (!run) {
      run = { deleting, claimed: new Set() };
      passes.set(pass, run);
    }
    return run;
  };
  const orphans: Orphan[] = [];
  for (const [i, { regional, certificates, notice, failure }] of perRegion.entries()) {
    const region = regions[i] as string;
    if (failure) options.onRegionFailure?.(failure);
    if (notice) options.onNotice?.(taggingNotice(name, `acm certificates of ${region}`, notice));
    for (const c of certificates) {
      const arn = c.CertificateArn as string;
      orphans.push({
        resource: `acm certificate ${c.DomainName ?? ''} (${arn})`,
        reason: REASON,
        remove: async (o) => {
          // In the zone the file's dns settings reach (recordZoneSettings), never another.
          const records = await recordZoneSettings(clients, regional, stack, c.DomainName);
          const shared = sharedRecords(region, await accountRegionsOf());
          return records.label(
            await deleteCertificate(
              records.clients,
              { arn, stack: name, ...shared, ...records.spec, run: runOf(o) },
              o,
            ),
          );
        },
      });
    }
  }
  return orphans;
}

/**
 * Every resource tagged `eks-kit:stack=<stack.name>` that the stack does not describe: IAM roles
 * (iam-policies' `scanRolesOfStack`: ListRoles pages of 1,000, then the tags of the roles the file does
 * not name, one ListRoleTags each for a few, else GetAccountAuthorizationDetails pages of 1,000 roles;
 * IAM lists no tags and the Tagging API does not cover roles), ECR repositories (DescribeRepositories,
 * then for the repositories not in the file one Resource Groups Tagging API GetResources, or with one
 * candidate its ListTagsForResource), ACM certificates of the regions the stack uses, and with
 * `allRegions` / `regions` of those too (ListCertificates, then the same rule for the certificates
 * whose names the file does not request there; a region beyond the stack's own that cannot be
 * searched is told to `onRegionFailure`), and worker groups
 * still tagged when the file has no autoscaler (one DescribeAutoScalingGroups filtered on the tag).
 * Reads only. A scan that fell back to per-resource tag reads (the Tagging API or
 * GetAccountAuthorizationDetails refused) tells `onNotice` once; its orphans are the same.
 *
 * @example
 * ```ts
 * for (const o of await findOrphans(clients, stack)) console.log(`- ${o.resource}: ${o.reason}`);
 * // with the certificates left in regions the file no longer names:
 * await findOrphans(clients, stack, { allRegions: true, onRegionFailure: (f) => console.warn(f.region, f.message) });
 * ```
 */
export async function findOrphans(
  clients: AwsClients,
  stack: Stack,
  options: FindOrphansOptions = {},
): Promise<Orphan[]> {
  checkRegionOptions(stack, options);
  const name = stack.name;
  // Issue 22: the four kinds are read at once; the list keeps the order roles, repositories,
  // certificates, groups.
  const roles = async (orphans: Orphan[]): Promise<void> => {
    orphans.push(...(await roleOrphans(clients, stack, options)));
  };
  const repositories = async (orphans: Orphan[]): Promise<void> => {
    orphans.push(...(await repositoryOrphans(clients, stack, options)));
  };
  // ACM certificates (the file names certificates by their domain names; AWS keeps the ARN).
  const certificates = async (orphans: Orphan[]): Promise<void> => {
    if (options.certificates !== false) orphans.push(...(await certificateOrphans(clients, stack, options)));
  };
  // Worker groups: the stack's tags stay on groups only while the file has an autoscaler section.
  const groups = async (orphans: Orphan[]): Promise<void> => {
    if (!stack.autoscaler) {
      const tagged = await removeAutoDiscoveryTags(
        clients,
        { cluster: stack.cluster.name, stack: name },
        { dryRun: true },
      );
      if (tagged.groups.length > 0)
        orphans.push({
          resource: `autoscaling groups ${tagged.groups.join(', ')} (their eks-kit tags; the groups stay)`,
          reason: 'tagged for this stack but the stack file has no autoscaler section any more',
          remove: async (o) => {
            const r = await removeAutoDiscoveryTags(clients, { cluster: stack.cluster.name, stack: name }, o);
            return {
              changes: r.changes,
              resource: 'autoscaling groups',
              outcome: r.groups.length > 0 ? 'deleted' : 'absent',
            };
          },
        });
    }
  };
  const parts: Orphan[][] = [[], [], [], []];
  await Promise.all([roles, repositories, certificates, groups].map((kind, i) => kind(parts[i] as Orphan[])));
  const orphans = parts.flat();
  return orphans;
}

/**
 * The options of the orphan scan of plan, apply and check: `signal`, `allRegions` and `regions` as
 * given, and each notice of the scan (a fallback to per-resource tag reads, a region that could not be
 * searched: `stack.orphans.region`) pushed to `findings`.
 *
 * @example
 * ```ts
 * const notices: Finding[] = [];
 * const orphans = await findOrphans(clients, stack, orphanScanOptions(stack, { allRegions: true }, notices));
 * ```
 */
export function orphanScanOptions(
  stack: Stack,
  options: CertificateRegionsOptions & { signal?: AbortSignal | undefined },
  findings: Finding[],
): FindOrphansOptions {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.allRegions === true ? { allRegions: true } : {}),
    ...(options.regions !== undefined ? { regions: options.regions } : {}),
    onNotice: (n) => findings.push(n),
    onRegionFailure: (f) => findings.push(regionFailureFinding(stack.name, f)),
  };
}

/**
 * An orphan as one `-` change, with its reason and how to remove it. (Issue 21: `planStack` no longer
 * uses it: without `prune` it lists orphans in `orphans`, with it it shows their deletions as
 * `planPrune` gives them.)
 *
 * @example
 * ```ts
 * const changes = orphans.map(orphanChange);
 * ```
 */
export function orphanChange(orphan: Orphan): Change {
  return {
    action: 'delete',
    resource: orphan.resource,
    summary: `orphan: ${orphan.reason} (apply --prune deletes it)`,
  };
}

/**
 * The `warn` finding `check` gives an orphan (`stack.orphan`).
 *
 * @example
 * ```ts
 * findings.push(...orphans.map(orphanFinding));
 * ```
 */
export function orphanFinding(orphan: Orphan): Finding {
  return {
    check: 'stack.orphan',
    resource: orphan.resource,
    status: 'warn',
    message: `${orphan.resource}: ${orphan.reason}`,
    hint: 'eks-kit apply --prune deletes it (or put it back in the stack file)',
  };
}

/**
 * Delete the orphans (apply --prune): each through its owned-only delete procedure; `keptRecords`:
 * the validation records the deleted certificates left (each with why, and the command when there is one).
 *
 * @example
 * ```ts
 * const { changes } = await pruneOrphans(await findOrphans(clients, stack), {});
 * ```
 */
export async function pruneOrphans(
  orphans: readonly Orphan[],
  options: DeleteOptions = {},
): Promise<{ changes: Change[]; results: DeleteResult[]; keptRecords: KeptValidationRecord[] }> {
  const changes: Change[] = [];
  const results: DeleteResult[] = [];
  const keptRecords: KeptValidationRecord[] = [];
  for (const orphan of orphans) {
    const r = await orphan.remove(options);
    changes.push(...r.changes);
    results.push(r);
    keptRecords.push(...(r.keptRecords ?? []));
  }
  return { changes, results, keptRecords };
}
