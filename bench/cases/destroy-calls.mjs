// API calls of `destroyStack` on the applied seed stack (examples/seed), per operation, beside the
// minimum a correct owned-only destroy needs (argued in docs/PERFORMANCE.md, "destroy"), and the
// calls of a second destroy (reads only: nothing is left).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyStack, destroyStack, loadStack } from '@eks-kit/stack';
import { emulatorWithClients } from './emulator.mjs';

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
  },
  // Nothing left: one listing per kind shows it (certificates, repositories by name, roles, groups).
  again: {
    'acm:ListCertificates': 1,
    'ecr:DescribeRepositories': 1,
    'iam:GetRole': 2,
    'autoScaling:DescribeAutoScalingGroups': 1,
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
    await applyStack(clients, stack, { yes: true });
    await measure('destroy', () => destroyStack(clients, stack, { yes: true }));
    await measure('again', () => destroyStack(clients, stack, { yes: true }));
  } finally {
    await close();
  }
  const rows = [];
  for (const phase of ['destroy', 'again']) {
    const ops = new Set([...Object.keys(phases[phase]), ...Object.keys(MINIMUM[phase])]);
    for (const op of [...ops].sort())
      rows.push({ phase, operation: op, calls: phases[phase][op] ?? 0, minimum: MINIMUM[phase][op] ?? 0 });
    rows.push({ phase, operation: 'TOTAL', calls: sum(phases[phase]), minimum: sum(MINIMUM[phase]) });
  }
  // Seed resources: 1 certificate + 1 record, 2 repositories, 2 roles, 2 groups' tags = 8.
  const resources = 8;
  return {
    rows,
    phases,
    minimum: MINIMUM,
    perResource: { calls: sum(phases.destroy) / resources, minimum: sum(MINIMUM.destroy) / resources },
  };
}
