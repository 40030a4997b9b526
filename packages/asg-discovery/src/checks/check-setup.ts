/** checkAutoscalerSetup: everything the autoscaler needs on AWS, as findings. */
import {
  type AwsClients,
  EksKitError,
  type Finding,
  finding,
  InvalidInputError,
  validateClusterName,
} from '@eks-kit/core';
import { checkRole, decodePolicyDocument, findRole } from '@eks-kit/iam-policies';
import { type AutoscalerPolicyScope, clusterAutoscalerPolicy } from '../builders/policy.js';
import { clusterOwnedTagKey } from '../builders/tags.js';
import {
  type AutoscalerRoleInput,
  autoscalerTrustPolicy,
  oidcProviderHint,
  type ResolvedAutoscalerRole,
  readClusterOidc,
  resolveAutoscalerRoleInput,
} from '../procedures/autoscaler-identity.js';
import { AUTOSCALER_POLICY_NAME } from '../procedures/ensure-role.js';
import {
  describeGroupsByTags,
  forEachSelectedGroup,
  type NodeGroupSelector,
  validateSelector,
} from '../procedures/find-groups.js';
import type { NodeGroup } from '../procedures/node-group.js';
import { readGroupDetails } from '../procedures/nodegroup-template.js';
import { findPodIdentityAssociation } from '../procedures/pod-identity.js';
import { groupFindings } from './group-findings.js';
import {
  type GroupShapeOptions,
  groupShapeFindingsFrom,
  mixedInstanceTypes,
  needsGroupDetails,
} from './group-shape-findings.js';
import { hasNodeTemplateTags, nodeTemplateFindingsFrom } from './node-template-findings.js';

/**
 * IAM actions {@link checkAutoscalerSetup} may call (all reads), for the least-privilege policy of
 * whoever runs the checks (the Lambda, a CI job).
 *
 * @example
 * ```ts
 * statement({ actions: CHECK_AUTOSCALER_SETUP_ACTIONS, resources: '*' });
 * ```
 */
export const CHECK_AUTOSCALER_SETUP_ACTIONS: readonly string[] = [
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribeLaunchConfigurations',
  'ec2:DescribeInstanceTypes',
  'ec2:DescribeLaunchTemplateVersions',
  'eks:DescribeCluster',
  'eks:DescribeNodegroup',
  'eks:DescribePodIdentityAssociation',
  'eks:ListPodIdentityAssociations',
  'iam:GetOpenIDConnectProvider',
  'iam:GetRole',
  'iam:GetRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'sts:GetCallerIdentity',
];

/** Input of {@link checkAutoscalerSetup}. */
export interface CheckAutoscalerSetupInput {
  cluster: string;
  /** The worker groups meant to autoscale (default: EKS's own cluster tags). */
  select?: NodeGroupSelector;
  /** Check the role too (trust, policy, service account, OIDC provider / association). */
  identity?: AutoscalerRoleInput['identity'];
  namespace?: string;
  serviceAccount?: string;
  release?: string;
  roleName?: string;
  scope?: AutoscalerPolicyScope;
  /** How the autoscaler runs (balancing, priority expander), for the group-shape findings. */
  shape?: GroupShapeOptions;
}

/**
 * Findings for the autoscaler's AWS side: untagged or wrongly tagged groups, groups at max, min 0
 * without node-template tags, and (with `identity`) a missing role, policy or trust drift, a managed
 * or inline policy on the role beside its own (attached by hand: a `fail` naming it), a service
 * account mismatch, a missing IAM OIDC provider or Pod Identity association. Read calls only.
 *
 * @example
 * ```ts
 * const findings = await checkAutoscalerSetup(clients, { cluster: 'prod', identity: 'irsa' });
 * for (const f of findings.filter((f) => f.status !== 'ok')) console.log(`${f.status} ${f.check} ${f.resource}: ${f.message}`);
 * ```
 */
export async function checkAutoscalerSetup(
  clients: AwsClients,
  input: CheckAutoscalerSetupInput,
): Promise<Finding[]> {
  if (!input || typeof input !== 'object') throw new InvalidInputError('input', input, 'an object');
  const cluster = validateClusterName(input.cluster, 'cluster');
  const select = validateSelector(input.select, 'select');
  const role =
    input.identity !== undefined
      ? resolveAutoscalerRoleInput({
          cluster,
          identity: input.identity,
          ...(input.namespace !== undefined ? { namespace: input.namespace } : {}),
          ...(input.serviceAccount !== undefined ? { serviceAccount: input.serviceAccount } : {}),
          ...(input.release !== undefined ? { release: input.release } : {}),
          ...(input.roleName !== undefined ? { roleName: input.roleName } : {}),
        })
      : undefined;
  validateShape(input.shape);
  const policy = clusterAutoscalerPolicy({ cluster, ...(input.scope ? { scope: input.scope } : {}) });
  const tagCondition = (input.scope ?? 'tag-condition') === 'tag-condition';

  const findings: Finding[] = [];
  const groups = new Map<string, NodeGroup>();
  // The selected groups and the groups tagged for the cluster are read at once (issue 22), without
  // their instances (no finding reads them): the selection's read is then the very one the tags'
  // drift check sends, so a run of shared reads asks for it once.
  const selected: NodeGroup[] = [];
  const [found, tagged] = await Promise.allSettled([
    forEachSelectedGroup(clients, { cluster, select }, (g) => void selected.push(g), {
      includeInstances: false,
    }),
    describeGroupsByTags(clients, [{ Name: 'tag-key', Values: [clusterOwnedTagKey(cluster)] }], {
      includeInstances: false,
    }),
  ]);
  if (found.status === 'rejected') {
    const error = found.reason as unknown;
    if (!(error instanceof EksKitError && error.code === 'NodeGroupNotFound')) throw error;
    findings.push(
      finding(
        'autoscaler.node-groups',
        `cluster ${cluster}`,
        'fail',
        error.message,
        error.hint ? { hint: error.hint } : {},
      ),
    );
  } else for (const g of selected.sort((a, b) => (a.name < b.name ? -1 : 1))) groups.set(g.name, g);
  if (tagged.status === 'rejected') throw tagged.reason;
  for (const g of tagged.value) groups.set(g.name, g);
  if (groups.size === 0)
    findings.push(
      finding(
        'autoscaler.node-groups',
        `cluster ${cluster}`,
        'fail',
        'no worker Auto Scaling group found for the cluster',
        {
          hint: 'select the groups by names or namePrefix, or tag them with ensureAutoDiscoveryTags',
        },
      ),
    );
  const sorted = [...groups.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const g of sorted) findings.push(...groupFindings(g, cluster, tagCondition));
  // Node templates, group shapes and the role do not depend on each other: read at once (issue 22),
  // reported in this order.
  const [shapeFindings, roleChecks] = await Promise.all([
    templateAndShapeFindings(clients, cluster, sorted, input.shape),
    role ? roleFindings(clients, role, policy) : [],
  ]);
  findings.push(...shapeFindings, ...roleChecks);
  return findings;
}

/**
 * The node-template and group-shape findings from one read of the groups (issue 21): the templates
 * of the groups either needs (the tagged ones; every group when balancing compares labels), and one
 * DescribeInstanceTypes for all their types and the mixed groups' types, where each finding used to
 * read for itself (the seed: [m5.large] for the node template, [t3.large, m5.large] for balancing).
 */
async function templateAndShapeFindings(
  clients: AwsClients,
  cluster: string,
  groups: readonly NodeGroup[],
  shape: GroupShapeOptions = {},
): Promise<Finding[]> {
  const tagged = groups.filter(hasNodeTemplateTags);
  const toRead = needsGroupDetails(groups, shape) ? groups : tagged;
  const details = toRead.length
    ? await readGroupDetails(clients, { cluster, groups: toRead, alsoDescribe: mixedInstanceTypes(groups) })
    : undefined;
  return [
    ...(details ? nodeTemplateFindingsFrom(tagged, details.templates) : []),
    ...(await groupShapeFindingsFrom(clients, groups, shape, details)),
  ];
}

/** `shape` is checked before any AWS call, like the rest of the input. */
function validateShape(shape: unknown): void {
  if (shape === undefined) return;
  if (!shape || typeof shape !== 'object' || Array.isArray(shape))
    throw new InvalidInputError(
      'shape',
      shape,
      'an object with balanceSimilarNodeGroups, balancingIgnoreLabels, expanderPriorities',
    );
  const s = shape as Record<string, unknown>;
  if (s.balanceSimilarNodeGroups !== undefined && typeof s.balanceSimilarNodeGroups !== 'boolean')
    throw new InvalidInputError(
      'shape.balanceSimilarNodeGroups',
      s.balanceSimilarNodeGroups,
      'true or false',
    );
  if (
    s.balancingIgnoreLabels !== undefined &&
    !(Array.isArray(s.balancingIgnoreLabels) && s.balancingIgnoreLabels.every((l) => typeof l === 'string'))
  )
    throw new InvalidInputError(
      'shape.balancingIgnoreLabels',
      s.balancingIgnoreLabels,
      'a list of label names',
    );
  if (s.expanderPriorities !== undefined) {
    const p = s.expanderPriorities;
    if (
      !p ||
      typeof p !== 'object' ||
      Array.isArray(p) ||
      !Object.values(p).every((v) => Array.isArray(v) && v.every((x) => typeof x === 'string'))
    )
      throw new InvalidInputError(
        'shape.expanderPriorities',
        p,
        'a map of priorities to lists of group name patterns',
      );
  }
}

async function roleFindings(
  clients: AwsClients,
  role: ResolvedAutoscalerRole,
  policy: ReturnType<typeof clusterAutoscalerPolicy>,
): Promise<Finding[]> {
  const out: Finding[] = [];
  let oidc: Awaited<ReturnType<typeof readClusterOidc>> | undefined;
  if (role.identity === 'irsa') {
    try {
      oidc = await readClusterOidc(clients, role.cluster);
    } catch (error) {
      // A missing cluster or issuer is a finding: the role checks below still run (without trust).
      if (!(error instanceof EksKitError && ['ClusterNotFound', 'NoOidcIssuer'].includes(error.code)))
        throw error;
      out.push(
        finding(
          'autoscaler.oidc-provider',
          `eks cluster ${role.cluster}`,
          'fail',
          error.message,
          error.hint ? { hint: error.hint } : {},
        ),
      );
    }
  }
  if (oidc)
    out.push(
      oidc.providerExists
        ? finding(
            'autoscaler.oidc-provider',
            oidc.providerArn,
            'ok',
            'the IAM OIDC provider of the cluster exists',
          )
        : finding(
            'autoscaler.oidc-provider',
            oidc.providerArn,
            'fail',
            `IAM has no OIDC provider for ${oidc.issuer}: IRSA cannot work`,
            {
              hint: oidcProviderHint(role.cluster),
            },
          ),
    );
  const irsaWithoutIssuer = role.identity === 'irsa' && !oidc;
  out.push(
    ...(await checkRole(clients, {
      name: role.roleName,
      ...(irsaWithoutIssuer ? {} : { trust: autoscalerTrustPolicy(role, oidc) }),
      inlinePolicies: { [AUTOSCALER_POLICY_NAME]: policy },
      // Issue 14: the autoscaler's role holds its own policy only; anything attached or added by
      // hand (e.g. AdministratorAccess) fails, naming it.
      managedPolicyArns: [],
      exclusive: true,
    })),
  );
  if (role.identity === 'irsa') out.push(...(await irsaSubjectFindings(clients, role)));
  if (role.identity === 'pod-identity') out.push(...(await podIdentityFindings(clients, role)));
  return out;
}

/** IRSA: the role's trust must name the chart's service account (`autoscaler.service-account`). */
async function irsaSubjectFindings(clients: AwsClients, role: ResolvedAutoscalerRole): Promise<Finding[]> {
  const out: Finding[] = [];
  const expectedSub = `system:serviceaccount:${role.namespace}:${role.serviceAccount}`;
  const actual = await findRole(await clients.iam(), role.roleName);
  if (actual?.AssumeRolePolicyDocument) {
    const subs = trustedSubjects(actual.AssumeRolePolicyDocument);
    if (subs.length && !subs.some((s) => globMatch(s, expectedSub)))
      out.push(
        finding(
          'autoscaler.service-account',
          `iam role ${role.roleName}`,
          'fail',
          `the role trusts ${subs.join(', ')} but the chart's service account is ${expectedSub}: the pod gets AccessDenied on AssumeRoleWithWebIdentity`,
          {
            hint: `run ensureClusterAutoscalerRole with serviceAccount ${role.serviceAccount}, or set rbac.serviceAccount.name in the chart values`,
            data: { trusted: subs, expected: expectedSub },
          },
        ),
      );
    else if (subs.length)
      out.push(
        finding(
          'autoscaler.service-account',
          `iam role ${role.roleName}`,
          'ok',
          `the role trusts ${expectedSub}`,
        ),
      );
  }
  return out;
}

/** EKS Pod Identity: the service account's association must give the role (`autoscaler.service-account`). */
async function podIdentityFindings(clients: AwsClients, role: ResolvedAutoscalerRole): Promise<Finding[]> {
  const out: Finding[] = [];
  const resource = `eks pod identity association ${role.cluster}/${role.namespace}/${role.serviceAccount}`;
  const association = await findPodIdentityAssociation(clients, role);
  const actual = await findRole(await clients.iam(), role.roleName);
  if (!association)
    out.push(
      finding(
        'autoscaler.service-account',
        resource,
        'fail',
        `no Pod Identity association for service account ${role.namespace}/${role.serviceAccount}`,
        {
          hint: 'run ensureClusterAutoscalerRole with identity pod-identity',
        },
      ),
    );
  else if (actual?.Arn && association.roleArn !== actual.Arn)
    out.push(
      finding(
        'autoscaler.service-account',
        resource,
        'fail',
        `the association gives role ${association.roleArn}, not ${actual.Arn}`,
        {
          hint: 'run ensureClusterAutoscalerRole to repoint it',
        },
      ),
    );
  else
    out.push(finding('autoscaler.service-account', resource, 'ok', `associated with ${association.roleArn}`));
  return out;
}

/** The `:sub` values a trust policy allows (StringEquals / StringLike). */
function trustedSubjects(document: string): string[] {
  const doc = decodePolicyDocument(document, 'AssumeRolePolicyDocument');
  const subs: string[] = [];
  for (const raw of doc.Statement) {
    // A malformed document read from AWS (a null statement, a string Condition) is skipped, not a crash.
    if (typeof raw !== 'object' || raw === null || !Object.hasOwn(raw, 'Condition')) continue;
    const condition = (raw as { Condition?: unknown }).Condition;
    if (typeof condition !== 'object' || condition === null) continue;
    for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
      if (!/^String(Equals|Like)$/.test(operator) || typeof block !== 'object' || block === null) continue;
      for (const [key, value] of Object.entries(block))
        if (key.endsWith(':sub')) subs.push(...[value].flat().map(String));
    }
  }
  return subs;
}

function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(text);
}
