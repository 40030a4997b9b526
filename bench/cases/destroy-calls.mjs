// API calls of `destroyStack` on the applied seed stack (examples/seed), per operation, beside the
// minimum a correct owned-only destroy needs (argued in docs/PERFORMANCE.md, "destroy"), and the
// calls of a second destroy (reads only: nothing is left). Then the same with `allRegions`
// (`eks-kit destroy --all-regions`, issue 21) on the applied stack again, and its second run: the cost
// of looking in every region enabled for the account (17 in the seed world: no opt-in region enabled).
import { applyStack, destroyStack } from '@eks-kit/stack';
import { seedCallPhases } from './emulator.mjs';

// Seed: 1 certificate (1 validation record), 2 repositories, 2 roles with 1 inline policy each, 2 groups.
export const MINIMUM = {
  destroy: {
    'acm:ListCertificates': 1,
    'acm:ListTagsForCertificate': 1,
    'acm:DescribeCertificate': 1,
    'acm:DeleteCertificate': 1,
    'route53:ListHostedZonesByName': 1,
    'route53:ListResourceRecordSets': 1,
    'route53:ChangeResourceRecordSets': 1,
    'ecr:DescribeRepositories': 1,
    'ecr:ListTagsForResource': 2,
    'ecr:DeleteRepository': 2,
    'iam:GetRole': 2,
    'iam:ListRolePolicies': 2,
    'iam:ListAttachedRolePolicies': 2,
    'iam:DeleteRolePolicy': 2,
    'iam:DeleteRole': 2,
    'autoScaling:DescribeAutoScalingGroups': 1,
    'autoScaling:DeleteTags': 1,
    // The stack's orphans (roles tagged for it that the file no longer names: destroy removes what the
    // stack made): one listing of the account's roles, then the tags of each role the file does not name
    // (IAM's ListRoles returns no tags; service-linked roles are skipped): the seed world has one.
    // Repositories come from the registry's listing.
    'iam:ListRoles': 1,
    'iam:ListRoleTags': 1,
  },
  // Nothing left: one listing per kind shows it (certificates, the registry's repositories, roles by name, groups).
  again: {
    'acm:ListCertificates': 1,
    'ecr:DescribeRepositories': 1,
    'iam:GetRole': 2,
    'autoScaling:DescribeAutoScalingGroups': 1,
    'iam:ListRoles': 1,
    'iam:ListRoleTags': 1,
  },
};

/** Regions enabled for the seed world's account: the 17 that need no opt-in. */
export const ENABLED_REGIONS = 17;
// Every destroy reads the account's enabled regions before its first write (one DescribeRegions), and
// before deleting a certificate's validation CNAME, which every certificate of its name shares whatever
// the region, lists the live certificates of every other enabled region (16): a record another region's
// certificate needs is kept (review of issue 21). A destroy that deletes no record lists nothing more.
MINIMUM.destroy['ec2:DescribeRegions'] = 1;
MINIMUM.destroy['acm:ListCertificates'] = ENABLED_REGIONS;
MINIMUM.again['ec2:DescribeRegions'] = 1;
/** `--all-regions`: the certificate search lists every enabled region (the record check shares those listings). */
const withAllRegions = (phase) => ({
  ...phase,
  'ec2:DescribeRegions': 1,
  'acm:ListCertificates': ENABLED_REGIONS,
});
MINIMUM['all-regions'] = withAllRegions(MINIMUM.destroy);
MINIMUM['all-regions-again'] = withAllRegions(MINIMUM.again);

export async function run({ root }) {
  const { rows, phases, totals } = await seedCallPhases(
    root,
    ['destroy', 'again', 'all-regions', 'all-regions-again'],
    MINIMUM,
    async (stack, clients, measure) => {
      await applyStack(clients, stack, { yes: true });
      await measure('destroy', () => destroyStack(clients, stack, { yes: true }));
      await measure('again', () => destroyStack(clients, stack, { yes: true }));
      await applyStack(clients, stack, { yes: true });
      await measure('all-regions', () => destroyStack(clients, stack, { yes: true, allRegions: true }));
      await measure('all-regions-again', () => destroyStack(clients, stack, { yes: true, allRegions: true }));
    },
  );
  // Seed resources: 1 certificate + 1 record, 2 repositories, 2 roles, 2 groups' tags = 8.
  const resources = 8;
  return {
    rows,
    phases,
    minimum: MINIMUM,
    perResource: { calls: totals.destroy.calls / resources, minimum: totals.destroy.minimum / resources },
  };
}
