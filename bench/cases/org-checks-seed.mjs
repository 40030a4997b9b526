// The second row set of org-checks (issue 21 review): a smaller organisation whose every account holds the
// seed's set-up (examples/seed: world.json, then eks-kit.yaml applied in each account), checked by the
// built checks Lambda with the seed stack, so that each target makes the calls a real check makes (the
// 1,000-account row set checks an empty stack: 5 calls a target). Figures: wall time, calls per checked
// account, the handler's peak RSS, beside the AssumeRole floor (computed, and measured in the same run).
// Same emulator speed, AssumeRole rate and concurrency as the 1,000-account rows (the deployed settings).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '@eks-kit/aws-emulator';
import { createClients } from '@eks-kit/core';
import { applyStack, loadStack } from '@eks-kit/stack';

const MANAGEMENT = '210000000000';
const ROLE = 'eks-kit-checks';
const BUCKET = 'eks-kit-checks-org-seed-runs';
const SETUP_CONCURRENCY = 8;

/** An organisation of `count` members and the management account, each holding the seed's world and the role. */
function seedOrganization(root, count) {
  const seed = JSON.parse(readFileSync(join(root, 'examples/seed/world.json'), 'utf8'));
  const { accountId: _account, region, ...services } = seed;
  const trust = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` }, Action: 'sts:AssumeRole' },
    ],
  };
  const account = () => {
    const own = structuredClone(services);
    own.iam = {
      ...own.iam,
      roles: [...(own.iam?.roles ?? []), { name: ROLE, assumeRolePolicyDocument: trust }],
    };
    return own;
  };
  const ids = Array.from({ length: count }, (_, i) => String(310000000000 + i));
  return {
    region,
    ids,
    world: {
      ...account(),
      accountId: MANAGEMENT,
      region,
      s3: { buckets: [BUCKET] },
      // The set-up applies the seed stack in each account with that account's own keys.
      identities: Object.fromEntries(
        ids.map((id, i) => [`AKIDSEED${i}`, { arn: `arn:aws:iam::${id}:user/setup` }]),
      ),
      organizations: { accounts: ids.map((id, i) => ({ id, name: `seed-${i}` })) },
      accounts: Object.fromEntries(ids.map((id) => [id, account()])),
    },
  };
}

/** Apply the seed stack in every account (without waiting for ACM: the emulated clock is moved after). */
async function applyEverywhere(emu, stack, region, keys, speed) {
  let next = 0;
  const applyOne = async (accessKeyId) => {
    const clients = await createClients({
      region,
      endpoint: emu.url,
      credentials: { accessKeyId, secretAccessKey: 'bench' },
      quotas: { speed },
    });
    try {
      await applyStack(clients, stack, { yes: true, wait: false });
    } finally {
      clients.destroy();
    }
  };
  await Promise.all(
    Array.from({ length: SETUP_CONCURRENCY }, async () => {
      while (next < keys.length) await applyOne(keys[next++]);
    }),
  );
  // ACM issues the certificates once their validation records are seen: an hour of emulated time.
  emu.advanceClock(3600);
}

/**
 * The seed row set: `count` member accounts (+ the management account) with the seed applied, one
 * whole invocation of the built handler over them, and the AssumeRole floor of the same accounts.
 * `helpers` are org-checks.mjs's child runners and call counter.
 */
export async function seedRows({ root, count, speed, deployed, bundle, helpers }) {
  const { region, ids, world } = seedOrganization(root, count);
  const stackFile = join(root, 'examples/seed/eks-kit.yaml');
  const stack = await loadStack(stackFile);
  const rate = deployed.EKS_KIT_ASSUME_ROLE_RATE;
  const concurrency = deployed.EKS_KIT_TARGET_CONCURRENCY;
  const emu = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    speed,
    seed: world,
    behaviour: { stsAssumeRoleRatePerSecond: rate },
  });
  try {
    const setupStarted = performance.now();
    await applyEverywhere(emu, stack, region, ['AKIDBENCH', ...ids.map((_, i) => `AKIDSEED${i}`)], speed);
    const setupMs = performance.now() - setupStarted;
    const roles = [MANAGEMENT, ...ids].map((id) => `arn:aws:iam::${id}:role/${ROLE}`);
    emu.resetCalls();
    const floor = await helpers.runFloor({
      AWS_REGION: region,
      AWS_ENDPOINT_URL: emu.url,
      FLOOR_ROLES: JSON.stringify(roles),
      FLOOR_RATE: String(rate * speed),
      FLOOR_CONCURRENCY: String(concurrency),
    });
    emu.resetCalls();
    const result = await helpers.runChild({
      ...helpers.handlerEnv({
        bundle,
        stack: readFileSync(stackFile, 'utf8'),
        region,
        url: emu.url,
        deployed,
        bucket: BUCKET,
      }),
      EKS_KIT_ASSUME_ROLE_RATE: String(rate * speed),
      // Planning figure for this emulated run: the whole run fits one invocation.
      EKS_KIT_SECONDS_PER_TARGET: '1',
    });
    const calls = emu.calls();
    const perAccount = helpers.checkCallsPerAccount(calls, result.targetCounts.checked);
    const throttled = calls.filter((c) => c.error === 'Throttling').length;
    const floorMs = ((roles.length - 1) / rate / speed) * 1000;
    const label = `seed stack in each account (${count} + 1 accounts)`;
    const rows = [
      {
        what: `${label}: targets reported (checked / skipped / role missing); findings (ok / warn / fail)`,
        value: `${result.targets} (${result.targetCounts.checked} / ${result.targetCounts.skipped} / ${result.targetCounts.unreachable}); ${result.counts.ok} / ${result.counts.warn} / ${result.counts.fail}`,
      },
      {
        what: `${label}: wall time, one invocation (emulator speed ${speed}x, ${concurrency} targets at a time)`,
        value: `${(result.wallMs / 1000).toFixed(2)} s`,
      },
      {
        what: `${label}: AssumeRole floor at ${rate}/s, computed / measured in the same run (${floor.calls} AssumeRole)`,
        value: `${(floorMs / 1000).toFixed(2)} s / ${(floor.wallMs / 1000).toFixed(2)} s`,
      },
      {
        what: `${label}: wall / measured floor`,
        value: `${(result.wallMs / floor.wallMs).toFixed(2)}x`,
      },
      {
        what: `${label}: calls per checked account (the checks' calls, the management account's included) / all calls per checked account`,
        value: `${perAccount.checks.toFixed(2)} / ${perAccount.all.toFixed(2)}`,
      },
      { what: `${label}: throttling errors`, value: String(throttled) },
      {
        what: `${label}: time a target the run kept for the next plan (p90 of the checked targets' wall times; the plan uses it x2)`,
        value: result.timing
          ? `${(result.timing.p90Ms / 1000).toFixed(2)} s of ${result.timing.targets} targets -> ${Math.max(1, Math.ceil((result.timing.p90Ms / 1000) * 2))} s a target`
          : 'none kept',
      },
      {
        what: `${label}: RSS of the handler process, after the import / peak over the run; CPU time`,
        value: `${(result.importRssKiB / 1024).toFixed(0)} / ${(result.peakRssKiB / 1024).toFixed(0)} MiB; ${(result.cpuMs / 1000).toFixed(1)} s`,
      },
      {
        what: `${label}: set-up, the seed stack applied in every account (not measured above)`,
        value: `${(setupMs / 1000).toFixed(1)} s`,
      },
    ];
    return {
      rows,
      figures: {
        count,
        wallMs: result.wallMs,
        floorMs,
        measuredFloorMs: floor.wallMs,
        callsPerAccount: perAccount.checks,
        allCallsPerAccount: perAccount.all,
        peakRssKiB: result.peakRssKiB,
        setupMs,
        timing: result.timing,
      },
    };
  } finally {
    await emu.stop();
  }
}
