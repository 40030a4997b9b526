// The orphan role scan in an account of 1,000 hand-made roles (issue 21), beside issue 16's scan it
// replaces: calls and wall time of the scan alone and of a whole plan (examples/seed's stack), with
// iam:GetAccountAuthorizationDetails allowed and refused (the per-role fallback). Wall time is this
// machine against the emulator (127.0.0.1, quota time 1000x: round trips only, no AWS latency); the IAM
// quota floor is what eks-kit's own client-side IAM bucket (10/s, burst 10, refilled at 95%:
// docs/AWS-FACTS.md#request-rate-quotas-eks-kit-stays-under) makes the same calls wait against AWS,
// computed from the calls per operation. See docs/PERFORMANCE.md, "The orphan role scan".
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClients } from '@eks-kit/core';
import { findOrphans, loadStack, planStack } from '@eks-kit/stack';
import { emulatorWithClients } from './emulator.mjs';

const HAND_MADE = 1000;
const NO_GAAD = 'AKIDNOGAAD';

/** The seed world plus 1,000 hand-made roles: 5 orphans of the seed stack, 10 of another stack, 5 made by CloudFormation, 10 service-linked, 970 others. */
function world(root) {
  const seed = JSON.parse(readFileSync(join(root, 'examples/seed/world.json'), 'utf8'));
  const roles = [];
  for (let i = 0; i < 5; i++) roles.push({ name: `seed-old-${i}`, tags: { 'eks-kit:stack': 'seed' } });
  for (let i = 0; i < 10; i++) roles.push({ name: `other-${i}`, tags: { 'eks-kit:stack': 'other' } });
  for (let i = 0; i < 5; i++)
    roles.push({
      name: `cfn-${i}`,
      tags: { 'eks-kit:stack': 'seed', 'eks-kit:managed-by': 'cloudformation' },
    });
  for (let i = 0; i < 10; i++)
    roles.push({ name: `AWSServiceRoleForX${i}`, path: `/aws-service-role/x${i}.amazonaws.com/` });
  while (roles.length < HAND_MADE) {
    const i = roles.length;
    roles.push(i % 2 ? { name: `hand-made-${i}` } : { name: `hand-made-${i}`, tags: { team: `t${i % 9}` } });
  }
  return {
    ...seed,
    identities: {
      [NO_GAAD]: {
        arn: `arn:aws:iam::${seed.accountId}:role/checker-before-issue-21`,
        deny: ['iam:GetAccountAuthorizationDetails'],
      },
    },
    iam: { ...seed.iam, roles: [...seed.iam.roles, ...roles] },
  };
}

/**
 * Issue 16's scan, as it was (git history: packages/iam-policies/src/procedures/delete-role.ts,
 * findRolesOfStack before issue 21): ListRoles pages of 100, then one ListRoleTags per role, one at a time.
 */
async function issue16Scan(iamSdk, clients, stack, skip) {
  const skipped = new Set(skip.map((s) => s.toLowerCase()));
  const iam = await clients.iam();
  const out = [];
  for await (const page of iamSdk.paginateListRoles({ client: iam }, {}))
    for (const role of page.Roles ?? []) {
      const name = role.RoleName ?? '';
      if (!name || skipped.has(name.toLowerCase()) || role.Path?.startsWith('/aws-service-role/')) continue;
      const tags = (await iam.send(new iamSdk.ListRoleTagsCommand({ RoleName: name }))).Tags ?? [];
      const elsewhere = tags.some(
        (t) => t.Key === 'eks-kit:managed-by' || t.Key === 'aws:cloudformation:stack-name',
      );
      if (!elsewhere && tags.some((t) => t.Key === 'eks-kit:stack' && t.Value === stack)) out.push(name);
    }
  return out.sort();
}

/** Seconds eks-kit's client-side IAM buckets (10/s, burst 10, 95% refill; one per operation) hold these calls back. */
function iamQuotaFloorSeconds(calls) {
  let floor = 0;
  for (const [op, n] of Object.entries(calls))
    if (op.startsWith('iam:')) floor = Math.max(floor, Math.max(0, n - 10) / (10 * 0.95));
  return floor;
}

const iamCalls = (calls) =>
  Object.entries(calls)
    .filter(([op]) => op.startsWith('iam:'))
    .sort()
    .map(([op, n]) => `${op.slice(4)} ${n}`)
    .join(', ');

export async function run({ root, quick }) {
  const stack = await loadStack(join(root, 'examples/seed/eks-kit.yaml'));
  const iamSdk = createRequire(join(root, 'packages/iam-policies/package.json'))('@aws-sdk/client-iam');
  const { emu, clients: base, close } = await emulatorWithClients(world(root), { speed: 1000 });
  const made = [base];
  const clientsAs = async (accessKeyId) => {
    const c = await createClients({
      region: base.region,
      endpoint: emu.url,
      credentials: { accessKeyId, secretAccessKey: 'bench' },
      maxAttempts: 6,
      quotas: { speed: 1000 },
    });
    made.push(c);
    return c;
  };
  const skip = [`${stack.name}-cluster-autoscaler`, `${stack.name}-gitlab-runner-build`];
  const variants = [
    [
      'scan, before (issue 16: ListRoleTags per role, in turn)',
      'AKIDBENCH',
      (c) => issue16Scan(iamSdk, c, stack.name, skip),
    ],
    [
      'scan, after (GetAccountAuthorizationDetails)',
      'AKIDBENCH',
      (c) => findOrphans(c, stack, { certificates: false }),
    ],
    [
      'scan, after, GetAccountAuthorizationDetails refused (8 at once)',
      NO_GAAD,
      (c) => findOrphans(c, stack, { certificates: false }),
    ],
    ['plan, after', 'AKIDBENCH', (c) => planStack(c, stack)],
    ['plan, after, GetAccountAuthorizationDetails refused', NO_GAAD, (c) => planStack(c, stack)],
  ];
  const repeats = quick ? 1 : 3;
  const rows = [];
  const figures = {};
  try {
    for (const [name, key, fn] of variants) {
      const times = [];
      let calls = {};
      for (let i = 0; i < repeats; i++) {
        // Fresh clients each time: no read shared with an earlier run.
        const clients = await clientsAs(key);
        const started = performance.now();
        await fn(clients);
        times.push(performance.now() - started);
        calls = Object.fromEntries(
          clients.counter.snapshot().map((c) => [`${c.service}:${c.operation}`, c.calls]),
        );
      }
      times.sort((a, b) => a - b);
      const total = Object.values(calls).reduce((a, b) => a + b, 0);
      const wallMs = Math.round(times[Math.floor(times.length / 2)]);
      const floor = iamQuotaFloorSeconds(calls);
      figures[name] = { calls, total, wallMs, iamQuotaFloorSeconds: floor };
      rows.push({
        run: name,
        calls: total,
        'IAM calls': iamCalls(calls),
        [`wall ms (median of ${repeats})`]: wallMs,
        'IAM quota floor s': floor.toFixed(1),
      });
    }
  } finally {
    for (const c of made.slice(1)) c.destroy();
    await close();
  }
  return {
    rows,
    roles:
      HAND_MADE + JSON.parse(readFileSync(join(root, 'examples/seed/world.json'), 'utf8')).iam.roles.length,
    figures,
  };
}
