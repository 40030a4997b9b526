/** ensureClusterAutoscalerRole: the autoscaler's IAM role, trusted from its pod. */
import {
  type AwsClients,
  type Change,
  type EnsureOptions,
  type EnsureResult,
  type Finding,
  STACK_TAG_KEY,
  validateTags,
  validateTagValue,
} from '@eks-kit/core';
import {
  blockedByOidcProvider,
  ensureRole,
  type OidcProviderLookup,
  oidcProviderMissingError,
  oidcProviderMissingFinding,
} from '@eks-kit/iam-policies';
import { type AutoscalerPolicyScope, clusterAutoscalerPolicy } from '../builders/policy.js';
import {
  type AutoscalerRoleInput,
  autoscalerTrustPolicy,
  type OidcFacts,
  type ResolvedAutoscalerRole,
  readClusterOidc,
  resolveAutoscalerRoleInput,
} from './autoscaler-identity.js';
import { ensurePodIdentityAssociation } from './pod-identity.js';

/** Name of the role's inline policy. */
export const AUTOSCALER_POLICY_NAME = 'cluster-autoscaler';

/** Input of {@link ensureClusterAutoscalerRole}. */
export interface EnsureClusterAutoscalerRoleInput extends AutoscalerRoleInput {
  /** How writes are restricted (default: the tag condition). */
  scope?: AutoscalerPolicyScope;
  /** Stack name: the role (and association) get `eks-kit:stack=<stack>`. */
  stack?: string;
  /** Extra tags on the role (a stack's `tags`); `eks-kit:stack` comes from `stack`. */
  tags?: Record<string, string>;
}

/** What {@link ensureClusterAutoscalerRole} returns: the changes and what the chart needs. */
export interface EnsureClusterAutoscalerRoleResult extends EnsureResult {
  roleArn: string;
  roleName: string;
  namespace: string;
  serviceAccount: string;
  /** Annotations for the chart's `rbac.serviceAccount.annotations` (IRSA). */
  serviceAccountAnnotations: Record<string, string>;
  /** Annotations for the chart's `podAnnotations` (kube2iam, kiam). */
  podAnnotations: Record<string, string>;
  /**
   * Prerequisites that block an apply, as `fail` findings (only in a dry run: an apply throws
   * instead). Today: IRSA without the cluster's IAM OIDC provider (`autoscaler.oidc-provider`).
   */
  findings: Finding[];
}

/**
 * Create or converge the Cluster Autoscaler's role: the autoscaler policy (inline) and a trust
 * policy for the identity mode. IRSA reads the issuer from EKS DescribeCluster; when the cluster's
 * IAM OIDC provider is missing, a dry run still returns the whole plan (the role trusting the
 * provider ARN it will have) plus a `fail` finding in `findings` and "blocked" in the summaries,
 * while an apply throws `OidcProviderMissing` before any change; EKS Pod Identity also creates (or
 * repoints) the association of the service account. Defaults match the chart: namespace
 * kube-system, service account `<release>-aws-cluster-autoscaler`.
 *
 * @example
 * ```ts
 * const r = await ensureClusterAutoscalerRole(clients, { cluster: 'prod', identity: 'irsa', stack: 'prod', tags: { team: 'platform' } });
 * r.serviceAccountAnnotations; // { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/prod-cluster-autoscaler' }
 *
 * const plan = await ensureClusterAutoscalerRole(clients, { cluster: 'prod', identity: 'irsa' }, { dryRun: true });
 * for (const f of plan.findings) console.log(`${f.status} ${f.check}: ${f.message} (${f.hint})`);
 * ```
 */
export async function ensureClusterAutoscalerRole(
  clients: AwsClients,
  input: EnsureClusterAutoscalerRoleInput,
  options: EnsureOptions = {},
): Promise<EnsureClusterAutoscalerRoleResult> {
  const role = resolveAutoscalerRoleInput(input);
  if (input.stack !== undefined) validateTagValue(input.stack, 'stack');
  const tags = input.tags !== undefined ? validateTags(input.tags, 'tags') : undefined;
  const policy = clusterAutoscalerPolicy({
    cluster: role.cluster,
    ...(input.scope ? { scope: input.scope } : {}),
  });

  let oidc: OidcFacts | undefined;
  let findings: Finding[] = [];
  if (role.identity === 'irsa') {
    oidc = await readClusterOidc(clients, role.cluster);
    findings = oidcProviderFindings(role, oidc);
    // An apply stops here, before any change; a plan goes on so the user sees all of it.
    if (findings.length > 0 && !options.dryRun) throw oidcProviderMissingError(lookupOf(oidc), role.cluster);
  }
  const trust = autoscalerTrustPolicy(role, oidc);
  const result = await ensureRole(
    clients,
    {
      name: role.roleName,
      trust,
      description: `Cluster Autoscaler of EKS cluster ${role.cluster}`,
      inlinePolicies: { [AUTOSCALER_POLICY_NAME]: policy },
      ...(input.stack !== undefined ? { stack: input.stack } : {}),
      ...(tags !== undefined ? { tags } : {}),
    },
    options,
  );
  const blocked = findings.length > 0 && oidc ? blockedByOidcProvider(lookupOf(oidc)) : '';
  const changes: Change[] = result.changes.map((c) =>
    blocked ? { ...c, summary: `${c.summary}${blocked}` } : c,
  );
  if (role.identity === 'pod-identity') {
    const association = await ensurePodIdentityAssociation(
      clients,
      {
        cluster: role.cluster,
        namespace: role.namespace,
        serviceAccount: role.serviceAccount,
        roleArn: result.arn,
        ...(input.stack !== undefined ? { tags: { [STACK_TAG_KEY]: input.stack } } : {}),
      },
      options,
    );
    changes.push(...association.changes);
  }
  const irsa = role.identity === 'irsa';
  const annotatesPod = typeof role.identity === 'object';
  return {
    changes,
    roleArn: result.arn,
    roleName: role.roleName,
    namespace: role.namespace,
    serviceAccount: role.serviceAccount,
    serviceAccountAnnotations: irsa ? { 'eks.amazonaws.com/role-arn': result.arn } : {},
    podAnnotations: annotatesPod ? { 'iam.amazonaws.com/role': result.arn } : {},
    findings,
  };
}

/**
 * What would stop {@link ensureClusterAutoscalerRole} from applying, known before any change, as
 * `fail` findings (reads only; the same reads the role procedure makes, so a run that shares its
 * reads pays nothing twice). Today: IRSA without the cluster's IAM OIDC provider
 * (`autoscaler.oidc-provider`); other identity modes have no such prerequisite.
 *
 * @example
 * ```ts
 * const blockers = await findClusterAutoscalerRoleBlockers(clients, { cluster: 'prod', identity: 'irsa' });
 * if (blockers.length > 0) throw new Error(`${blockers[0]?.message} (${blockers[0]?.hint})`);
 * ```
 */
export async function findClusterAutoscalerRoleBlockers(
  clients: AwsClients,
  input: EnsureClusterAutoscalerRoleInput,
): Promise<Finding[]> {
  const role = resolveAutoscalerRoleInput(input);
  if (role.identity !== 'irsa') return [];
  return oidcProviderFindings(role, await readClusterOidc(clients, role.cluster));
}

function oidcProviderFindings(role: ResolvedAutoscalerRole, oidc: OidcFacts): Finding[] {
  if (oidc.providerExists) return [];
  return [
    oidcProviderMissingFinding('autoscaler.oidc-provider', lookupOf(oidc), {
      cluster: role.cluster,
      blocks: `iam role ${role.roleName}`,
    }),
  ];
}

function lookupOf(oidc: OidcFacts): OidcProviderLookup {
  return {
    issuer: oidc.issuer,
    providerArn: oidc.providerArn,
    exists: oidc.providerExists,
    accountId: oidc.accountId,
    partition: oidc.partition,
  };
}
