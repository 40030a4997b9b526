// API calls per operation for the seed stack (examples/seed): first apply, a no-op plan and a check,
// beside the minimum a correct tool needs. The argument for each minimum is in docs/PERFORMANCE.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyStack, checkStack, loadStack, planStack } from '@eks-kit/stack';
import { emulatorWithClients } from './emulator.mjs';

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
  },
  // A check reads what a plan reads (drift of every resource, repository settings included); the
  // autoscaler and certificate health checks need nothing more when the reads are shared.
  get check() {
    return this.plan;
  },
};

const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);

export async function run({ root }) {
  const stack = await loadStack(join(root, 'examples/seed/eks-kit.yaml'));
  const world = JSON.parse(readFileSync(join(root, 'examples/seed/world.json'), 'utf8'));
  const { clients, close } = await emulatorWithClients(world, {
    speed: 1000,
    behaviour: { acmRecordDelaySeconds: 2, acmValidationSeconds: 20, route53SyncSeconds: 30 },
  });
  const phases = {};
  const measure = async (name, fn) => {
    clients.counter.reset();
    await fn();
    phases[name] = Object.fromEntries(
      clients.counter.snapshot().map((c) => [`${c.service}:${c.operation}`, c.calls]),
    );
  };
  try {
    await measure('apply', () => applyStack(clients, stack, { yes: true }));
    await measure('plan', () => planStack(clients, stack));
    await measure('check', () => checkStack(clients, stack));
  } finally {
    await close();
  }
  const rows = [];
  for (const phase of ['apply', 'plan', 'check']) {
    const ops = new Set([...Object.keys(phases[phase]), ...Object.keys(MINIMUM[phase])]);
    for (const op of [...ops].sort()) {
      rows.push({ phase, operation: op, calls: phases[phase][op] ?? 0, minimum: MINIMUM[phase][op] ?? 0 });
    }
    rows.push({ phase, operation: 'TOTAL', calls: sum(phases[phase]), minimum: sum(MINIMUM[phase]) });
  }
  return {
    rows,
    phases,
    minimum: MINIMUM,
    totals: Object.fromEntries(
      ['apply', 'plan', 'check'].map((p) => [p, { calls: sum(phases[p]), minimum: sum(MINIMUM[p]) }]),
    ),
  };
}
