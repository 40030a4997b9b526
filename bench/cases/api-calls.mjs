// API calls per operation for the seed stack (examples/seed): first apply, a no-op plan and a check,
// beside the minimum a correct tool needs, then the same plan with `allRegions` (`eks-kit plan
// --all-regions`, issue 21). The argument for each minimum is in docs/PERFORMANCE.md.
import { applyStack, checkStack, planStack } from '@eks-kit/stack';
import { ENABLED_REGIONS } from './destroy-calls.mjs';
import { seedCallPhases } from './emulator.mjs';

// Minimum calls per phase and operation for the seed stack (2 worker groups, 2 IRSA roles, 2 repositories
// of which one with a lifecycle policy, 1 certificate with 1 shared validation record). See docs/PERFORMANCE.md.
export const MINIMUM = {
  apply: {
    'sts:GetCallerIdentity': 1,
    'eks:DescribeCluster': 1,
    'iam:GetOpenIDConnectProvider': 1,
    'autoScaling:DescribeAutoScalingGroups': 1,
    'autoScaling:CreateOrUpdateTags': 1,
    'iam:GetRole': 2,
    'iam:CreateRole': 2,
    'iam:PutRolePolicy': 2,
    'ecr:DescribeRepositories': 1,
    'ecr:CreateRepository': 2,
    'ecr:PutLifecyclePolicy': 2,
    'acm:ListCertificates': 1,
    'acm:RequestCertificate': 1,
    'acm:DescribeCertificate': 2,
    'route53:ListHostedZonesByName': 1,
    'route53:ChangeResourceRecordSets': 1,
    // Added by later issues (docs/PERFORMANCE.md): the registry's scanning rules (17), the orphans'
    // roles listing and the tags of a role named like the stack's (16), the delegation check before
    // apply waits (18: the zone's name servers, the parent's NS records).
    'ecr:GetRegistryScanningConfiguration': 1,
    'iam:ListRoles': 1,
    'iam:ListRoleTags': 1,
    'route53:GetHostedZone': 1,
    'route53:ListResourceRecordSets': 1,
  },
  plan: {
    'sts:GetCallerIdentity': 1,
    'eks:DescribeCluster': 1,
    'iam:GetOpenIDConnectProvider': 1,
    'autoScaling:DescribeAutoScalingGroups': 1,
    'iam:GetRole': 2,
    'iam:ListRolePolicies': 2,
    'iam:GetRolePolicy': 2,
    'iam:ListAttachedRolePolicies': 2,
    'ecr:DescribeRepositories': 1,
    'ecr:GetLifecyclePolicy': 2,
    'ecr:ListTagsForResource': 2,
    'acm:ListCertificates': 1,
    'acm:DescribeCertificate': 1,
    'route53:ListHostedZonesByName': 1,
    'route53:ListResourceRecordSets': 1,
    // Added by later issues: scanning rules (17), orphans (16: roles listing, a role's tags, the
    // orphan certificate candidate's tags).
    'ecr:GetRegistryScanningConfiguration': 1,
    'iam:ListRoles': 1,
    'iam:ListRoleTags': 1,
    'acm:ListTagsForCertificate': 1,
  },
  // A check reads what a plan reads (drift of every resource, repository settings included), and what
  // its later checks need: the node-group shapes (19: the groups tagged for the cluster, which also
  // answer the selected ones once apply has tagged them, the launch template version per group, and
  // every group's instance type in one DescribeInstanceTypes: it takes a list), each repository's
  // policy (ownership.grants), the EKS add-ons, the zone's name servers and the parent's NS records (18).
  get check() {
    return {
      ...this.plan,
      'autoScaling:DescribeAutoScalingGroups': 1,
      'ec2:DescribeLaunchTemplateVersions': 2,
      'ec2:DescribeInstanceTypes': 1,
      'ecr:GetRepositoryPolicy': 2,
      'eks:DescribeAddon': 1,
      'route53:GetHostedZone': 1,
      'route53:ListResourceRecordSets': 2,
    };
  },
};

// `--all-regions` (issue 21): the account's regions (one DescribeRegions), then one certificate listing
// per other enabled region (no certificate there: no tag read).
MINIMUM['plan-all-regions'] = {
  ...MINIMUM.plan,
  'ec2:DescribeRegions': 1,
  'acm:ListCertificates': ENABLED_REGIONS,
};

export async function run({ root }) {
  const { rows, phases, totals } = await seedCallPhases(
    root,
    ['apply', 'plan', 'check', 'plan-all-regions'],
    MINIMUM,
    async (stack, clients, measure) => {
      await measure('apply', () => applyStack(clients, stack, { yes: true }));
      await measure('plan', () => planStack(clients, stack));
      await measure('check', () => checkStack(clients, stack));
      await measure('plan-all-regions', () => planStack(clients, stack, { allRegions: true }));
    },
  );
  return { rows, phases, minimum: MINIMUM, totals };
}
