// Runnable example: the README's example against the local emulator (no AWS account needed).
// Build a trust and an identity policy, plan a role (dry run), create it, run again (no change),
// then check it.
//   pnpm --filter @eks-kit/iam-policies... build && node packages/iam-policies/examples/emulator-demo.mjs
import { startEmulator } from '@eks-kit/aws-emulator';
import { createClients, renderChanges } from '@eks-kit/core';
import {
  checkRole,
  ensureRole,
  irsaTrustPolicy,
  policyDocument,
  policyJson,
  statement,
  validatePolicy,
} from '@eks-kit/iam-policies';

const issuerUrl = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const emu = await startEmulator({
  port: 0,
  speed: 1000,
  // The OIDC provider must exist, or IAM refuses the trust policy ("Invalid principal in policy").
  seed: { region: 'eu-west-1', iam: { oidcProviders: [issuerUrl] } },
});
const clients = await createClients({
  region: 'eu-west-1',
  endpoint: emu.url,
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});
try {
  const trust = irsaTrustPolicy(
    { issuerUrl, accountId: '123456789012' },
    'kube-system',
    'cluster-autoscaler-aws-cluster-autoscaler',
  );
  const autoscaler = policyDocument(
    [
      statement({ actions: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeImages'], resources: '*' }),
      statement({
        actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        resources: '*',
        conditions: { StringEquals: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true' } },
      }),
    ],
    { kind: 'identity' },
  );
  console.log(policyJson(autoscaler));
  await validatePolicy(autoscaler, { kind: 'identity' });

  const spec = { name: 'cluster-autoscaler', trust, inlinePolicies: { autoscaler }, stack: 'demo' };
  const plan = await ensureRole(clients, spec, { dryRun: true });
  console.log(renderChanges(plan.changes), plan.arn);
  const applied = await ensureRole(clients, spec);
  console.log(renderChanges(applied.changes, { verb: 'Applied' }));
  const again = await ensureRole(clients, spec);
  console.log(
    `second run: ${again.changes.length} changes, ${emu.calls({ mutating: true }).length} mutating calls in all`,
  );
  for (const f of await checkRole(clients, {
    name: 'cluster-autoscaler',
    trust,
    inlinePolicies: { autoscaler },
  }))
    console.log(`${f.status.padEnd(4)} ${f.check}: ${f.message}`);
} finally {
  clients.destroy();
  await emu.stop();
}
