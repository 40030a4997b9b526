// The seed stack's no-op plan in a crowded account (issue 21, "test the account users really have"):
// beside the stack's own, 500 ECR repositories (10 tagged for the stack but gone from its file, 90 of
// another stack, 400 made by hand) and 200 ACM certificates (5 / 45 / 150) in the cluster's region.
// The orphan scan finds the stack's with the Resource Groups Tagging API (one GetResources per kind and
// region), or, for a caller without tag:GetResources, with one tag read per resource. Calls are counted
// by core's counter; "at the quota" is the time the per-kind reads need at the rates core paces them to
// (ECR's unpublished rate: core's default 10/s; ACM ListTagsForCertificate 10/s; GetResources 10/s).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClients } from '@eks-kit/core';
import { applyStack, findOrphans, loadStack, planStack } from '@eks-kit/stack';
import { emulatorWithClients } from './emulator.mjs';
import { ms } from './util.mjs';

const REPOSITORIES = { mine: 10, other: 90, byHand: 400 };
const CERTIFICATES = { mine: 5, other: 45, byHand: 150 };
const DENIED_KEY = 'AKIDBENCHNOTAGGING';

function crowd(counts, make) {
  const out = [];
  let i = 0;
  for (const [owner, n] of Object.entries(counts))
    for (let k = 0; k < n; k++, i++)
      out.push(make(i, owner === 'byHand' ? undefined : owner === 'mine' ? 'seed' : 'other'));
  return out;
}

export async function run({ root }) {
  const stack = await loadStack(join(root, 'examples/seed/eks-kit.yaml'));
  const seed = JSON.parse(readFileSync(join(root, 'examples/seed/world.json'), 'utf8'));
  const repositories = crowd(REPOSITORIES, (i, owner) => ({
    name: `${owner ?? 'team'}/svc-${i}`,
    ...(owner ? { tags: { 'eks-kit:stack': owner } } : {}),
  }));
  const certificates = crowd(CERTIFICATES, (i, owner) => ({
    domainName: `host-${i}.example.org`,
    ...(owner ? { tags: { 'eks-kit:stack': owner } } : {}),
  }));
  const world = {
    ...seed,
    identities: {
      ...(seed.identities ?? {}),
      [DENIED_KEY]: { arn: `arn:aws:iam::${seed.accountId}:user/no-tagging`, deny: ['tag:GetResources'] },
    },
    ecr: { ...(seed.ecr ?? {}), repositories: [...(seed.ecr?.repositories ?? []), ...repositories] },
    acm: { ...(seed.acm ?? {}), certificates: [...(seed.acm?.certificates ?? []), ...certificates] },
  };
  const { emu, clients, close } = await emulatorWithClients(world, { speed: 1000 });
  const denied = await createClients({
    region: clients.region,
    endpoint: emu.url,
    credentials: { accessKeyId: DENIED_KEY, secretAccessKey: 'bench' },
    maxAttempts: 6,
    quotas: { speed: 1000 },
  });
  const rows = [];
  const figures = {};
  try {
    await applyStack(clients, stack, { yes: true, wait: false });
    for (const [variant, set] of [
      ['Tagging API (tag:GetResources allowed)', clients],
      ['one tag read per resource (tag:GetResources denied)', denied],
    ]) {
      set.counter.reset();
      const started = performance.now();
      const plan = await planStack(set, stack);
      const wall = performance.now() - started;
      const calls = Object.fromEntries(
        set.counter.snapshot().map((c) => [`${c.service}:${c.operation}`, c.calls]),
      );
      const total = Object.values(calls).reduce((a, b) => a + b, 0);
      const orphans = plan.orphans.length;
      const ecrTags = calls['ecr:ListTagsForResource'] ?? 0;
      const acmTags = calls['acm:ListTagsForCertificate'] ?? 0;
      const getResources = calls['tagging:GetResources'] ?? 0;
      // The kinds are read at once: the slowest kind's reads at 10/s.
      const atQuota = Math.max(ecrTags, acmTags, getResources) / 10;
      rows.push({
        variant,
        'plan calls': total,
        'ecr:ListTagsForResource': ecrTags,
        'acm:ListTagsForCertificate': acmTags,
        'tagging:GetResources': getResources,
        'orphans shown': orphans,
        'tag reads at the quota (10/s)': `${atQuota.toFixed(1)} s`,
        'wall (emulator, 1000x time)': ms(wall),
      });
      figures[variant] = { calls, total, orphans, atQuotaSeconds: atQuota, wallMs: wall };
    }
    // Both answers name the same orphans (the scan's result does not depend on the path).
    const a = (await findOrphans(clients, stack)).map((o) => o.resource).sort();
    const b = (await findOrphans(denied, stack)).map((o) => o.resource).sort();
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('the two scans found different orphans');
    figures.orphans = a.length;
  } finally {
    denied.destroy();
    await close();
  }
  return { rows, figures: { repositories: REPOSITORIES, certificates: CERTIFICATES, ...figures } };
}
