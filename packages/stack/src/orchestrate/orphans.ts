/**
 * Orphans (issue 16): resources tagged `eks-kit:stack=<name>` that the stack file no longer
 * describes. plan and apply show each as a `-` change with the reason; apply deletes them only with
 * `prune`; check warns on each. Found with the services' own listings, and the tags of those the file
 * does not name read in few calls: the Resource Groups Tagging API for repositories and certificates,
 * IAM's GetAccountAuthorizationDetails for roles (issue 21; the package README says which services the
 * Tagging API covers).
 */
import { certificateTags, deleteCertificate, listCertificates } from '@eks-kit/acm-dns-validation';
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
  remove: (options: DeleteOptions & { forceDeleteImages?: boolean }) => Promise<DeleteResult>;
}

/** Options of {@link findOrphans}. */
export interface FindOrphansOptions {
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

/**
 * Every resource tagged `eks-kit:stack=<stack.name>` that the stack does not describe: IAM roles
 * (iam-policies' `scanRolesOfStack`: ListRoles pages of 1,000, then the tags of the roles the file does
 * not name, one ListRoleTags each for a few, else GetAccountAuthorizationDetails pages of 1,000 roles;
 * IAM lists no tags and the Tagging API does not cover roles), ECR repositories (DescribeRepositories,
 * then for the repositories not in the file one Resource Groups Tagging API GetResources, or with one
 * candidate its ListTagsForResource), ACM certificates of the regions the stack uses (ListCertificates,
 * then the same rule for the certificates whose names the file does not request), and worker groups
 * still tagged when the file has no autoscaler (one DescribeAutoScalingGroups filtered on the tag).
 * Reads only. A scan that fell back to per-resource tag reads (the Tagging API or
 * GetAccountAuthorizationDetails refused) tells `onNotice` once; its orphans are the same.
 *
 * @example
 * ```ts
 * for (const o of await findOrphans(clients, stack)) console.log(`- ${o.resource}: ${o.reason}`);
 * ```
 */
export async function findOrphans(
  clients: AwsClients,
  stack: Stack,
  options: FindOrphansOptions = {},
): Promise<Orphan[]> {
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
    if (options.certificates === false) return;
    const regions = new Set([
      stack.cluster.region,
      ...stack.certificates.map((c) => c.region ?? stack.cluster.region),
    ]);
    for (const region of [...regions].sort()) {
      const regional = region === clients.region ? clients : clients.withRegion(region);
      const wanted = new Set(
        stack.certificates
          .filter((c) => (c.region ?? stack.cluster.region) === region)
          .map((c) => c.domainName.toLowerCase()),
      );
      const candidates = (
        await listCertificates(regional, { region, ...(options.signal ? { signal: options.signal } : {}) })
      ).filter((c) => c.CertificateArn && !wanted.has((c.DomainName ?? '').toLowerCase()));
      const { owned, notice } = await certificatesOfStack(regional, region, name, candidates, options.signal);
      if (notice) options.onNotice?.(taggingNotice(name, `acm certificates of ${region}`, notice));
      for (const [i, c] of candidates.entries()) {
        const arn = c.CertificateArn as string;
        if (!owned[i]) continue;
        orphans.push({
          resource: `acm certificate ${c.DomainName ?? ''} (${arn})`,
          reason: REASON,
          remove: (o) => deleteCertificate(regional, { arn, stack: name }, o),
        });
      }
    }
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
 * The `-` change that shows an orphan in a plan, with its reason and how to remove it.
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
 * Delete the orphans (apply --prune): each through its owned-only delete procedure.
 *
 * @example
 * ```ts
 * const { changes } = await pruneOrphans(await findOrphans(clients, stack), {});
 * ```
 */
export async function pruneOrphans(
  orphans: readonly Orphan[],
  options: DeleteOptions = {},
): Promise<{ changes: Change[]; results: DeleteResult[] }> {
  const changes: Change[] = [];
  const results: DeleteResult[] = [];
  for (const orphan of orphans) {
    const r = await orphan.remove(options);
    changes.push(...r.changes);
    results.push(r);
  }
  return { changes, results };
}
