// Issue 22: wall time of apply (--no-wait), plan, check and destroy of the seed stack (examples/seed)
// with 0, 50 and 200 ms added to every AWS call, beside the floor (dependency depth x latency, plus
// ACM's record delay for apply) and the sequential sum (calls x latency). The emulator runs in real
// time (speed 1) so its ACM rate quotas (ListCertificates 1/s...) are AWS's, and eks-kit's client-side
// quota buckets run at their documented rates: a throttling error in any run would show in `throttled`.
// The commands run back to back on one process (plan then check within a second), as a user would.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '@eks-kit/aws-emulator';
import { createClients, processQuotas } from '@eks-kit/core';
import { applyStack, checkStack, destroyStack, loadStack, planStack } from '@eks-kit/stack';

/** Seconds after the request until ACM shows the validation record (the set-up: 1 s). */
const RECORD_DELAY_S = 1;

// The dependency depth of each command on the seed stack: the longest chain of calls where each needs
// the previous one's answer (argued in docs/PERFORMANCE.md, "Latency floor").
export const DEPTH = {
  // plan of the fresh world (GetRole -> NoSuchEntity; cluster -> OIDC provider: 2), then the writes:
  // RequestCertificate -> (ACM adds the record) -> DescribeCertificate -> ChangeResourceRecordSets: 3.
  apply: { calls: 5, extraMs: RECORD_DELAY_S * 1000 },
  // GetRole -> ListRolePolicies -> GetRolePolicy; ListCertificates -> DescribeCertificate -> ListResourceRecordSets.
  plan: { calls: 3, extraMs: 0 },
  // as plan; the node-group shapes: DescribeAutoScalingGroups -> DescribeLaunchTemplateVersions -> DescribeInstanceTypes
  // (4 with the DescribeCluster that must say "not Auto Mode" before any Auto Scaling call; kept at 3 here).
  check: { calls: 3, extraMs: 0 },
  // ListCertificates -> ListTagsForCertificate -> DescribeCertificate -> ListResourceRecordSets (is the
  // record shared?) -> ChangeResourceRecordSets and DeleteCertificate.
  destroy: { calls: 5, extraMs: 0 },
};

const LATENCIES = [0, 50, 200];

export async function run({ root, quick }) {
  const stack = await loadStack(join(root, 'examples/seed/eks-kit.yaml'));
  const world = JSON.parse(readFileSync(join(root, 'examples/seed/world.json'), 'utf8'));
  const rows = [];
  const figures = {};
  for (const latency of quick ? [0, 200] : LATENCIES) {
    const emu = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      speed: 1,
      seed: world,
      behaviour: { acmRecordDelaySeconds: RECORD_DELAY_S, acmValidationSeconds: 20, route53SyncSeconds: 30 },
      faults: latency > 0 ? [{ kind: 'latency', latencyMs: latency }] : [],
    });
    const clients = await createClients({
      region: world.region ?? 'ap-northeast-1',
      endpoint: emu.url,
      credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
      quotas: { speed: 1 },
    });
    const phase = async (name, fn) => {
      clients.counter.reset();
      emu.resetCalls();
      const waitedBefore = processQuotas({ speed: 1 }).waitedMs();
      const started = performance.now();
      await fn();
      const wallMs = performance.now() - started;
      // The longest a single operation waited for its quota token in this phase (ListCertificates at
      // 1/s, when the previous command listed within the second): it sits on the critical path.
      const waitedAfter = processQuotas({ speed: 1 }).waitedMs();
      const quotaWaitMs = Math.max(
        0,
        ...Object.keys(waitedAfter).map((k) => (waitedAfter[k] ?? 0) - (waitedBefore[k] ?? 0)),
      );
      const calls = clients.counter.total().calls;
      const throttled = emu.calls().filter((c) => /Throttl/.test(c.error ?? '')).length;
      const floorMs = DEPTH[name].calls * latency + DEPTH[name].extraMs;
      const sequentialMs = calls * latency + DEPTH[name].extraMs;
      figures[`${name}@${latency}`] = { wallMs, calls, throttled, floorMs, sequentialMs, quotaWaitMs };
      rows.push({
        command: name,
        'added ms/call': latency,
        calls,
        'wall ms': Math.round(wallMs),
        'floor ms': floorMs,
        'sequential ms': sequentialMs,
        'wall/floor': floorMs > 0 ? `${(wallMs / floorMs).toFixed(2)}x` : '-',
        'quota wait ms': Math.round(quotaWaitMs),
        'wall/(floor+wait)':
          floorMs + quotaWaitMs > 0 ? `${(wallMs / (floorMs + quotaWaitMs)).toFixed(2)}x` : '-',
        throttled,
      });
    };
    try {
      await phase('apply', () => applyStack(clients, stack, { yes: true, wait: false }));
      await phase('plan', () => planStack(clients, stack));
      await phase('check', () => checkStack(clients, stack));
      await phase('destroy', () => destroyStack(clients, stack, { yes: true }));
    } finally {
      clients.destroy();
      await emu.stop();
    }
  }
  return { rows, figures, depth: DEPTH };
}
