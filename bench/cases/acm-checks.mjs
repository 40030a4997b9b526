// 1,000 certificates checked with checkCertificates: wall time beside the floor ACM's quotas allow,
// and the throttling errors seen. The emulator runs `speed` times faster than real time and enforces
// ACM's quotas in emulated time; the client-side limiter's rates are scaled by the same factor.
// The floor is given twice: computed (the slowest operation's calls at its quota) and measured in the
// same run (the same DescribeCertificate calls, bare, paced at exactly the quota, same concurrency), so a
// loaded machine shows as a slower measured floor rather than as eks-kit's overhead. Runs interleave.
import { DescribeCertificateCommand, ListCertificatesCommand } from '@aws-sdk/client-acm';
import { checkCertificates, DEFAULT_ACM_RATE_LIMITS } from '@eks-kit/acm-dns-validation';
import { createRateLimiter, mapConcurrent } from '@eks-kit/core';
import { emulatorWithClients } from './emulator.mjs';
import { median } from './util.mjs';

// ACM API rate quotas (ACM User Guide, "Quotas", read 2026-12-06): DescribeCertificate 10/s,
// ListCertificates 1/s, ListTagsForCertificate 10/s.
const QUOTA = { DescribeCertificate: 10, ListCertificates: 1, ListTagsForCertificate: 10 };

export async function run({ quick }) {
  const count = quick ? 200 : 1000;
  // 5 rounds: with 2 the "median" was a mean of two (review of issue 21).
  const rounds = quick ? 1 : 5;
  const speed = 10;
  const concurrency = 16;
  const certificates = Array.from({ length: count }, (_, i) => ({
    domainName: `c${i}.example.com`,
    expiresInDays: 30 + (i % 300),
    inUseBy: ['arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/web/1'],
  }));
  const { emu, clients, close } = await emulatorWithClients(
    {
      region: 'ap-northeast-1',
      route53: { hostedZones: [{ name: 'example.com', id: 'ZPUB' }] },
      acm: { certificates },
    },
    { speed },
  );
  try {
    const rateLimits = Object.fromEntries(
      Object.entries(DEFAULT_ACM_RATE_LIMITS).map(([k, v]) => [k, v * speed]),
    );
    const acm = await clients.acm();
    const { CertificateSummaryList = [] } = await acm.send(new ListCertificatesCommand({ MaxItems: 1000 }));
    const arns = CertificateSummaryList.map((s) => s.CertificateArn);
    // Let the emulated quota buckets refill between runs (1 emulated second is plenty).
    const settle = () => new Promise((r) => setTimeout(r, 2000 / speed + 100));
    const ours = [];
    const bare = [];
    let findings = [];
    let byOp = {};
    let throttled = 0;
    let bareThrottled = 0;
    for (let round = 0; round < rounds; round++) {
      // Measured floor: bare DescribeCertificate calls at exactly the quota (no findings, no Route 53).
      await settle();
      emu.resetCalls();
      const limiter = createRateLimiter({ ratePerSecond: QUOTA.DescribeCertificate * speed, burst: 1 });
      let started = performance.now();
      await mapConcurrent(arns, concurrency, async (arn) => {
        await limiter.acquire();
        await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
      });
      bare.push(performance.now() - started);
      bareThrottled += emu.calls({ service: 'acm' }).filter((c) => c.error === 'ThrottlingException').length;

      await settle();
      emu.resetCalls();
      started = performance.now();
      findings = await checkCertificates(clients, { rateLimits, concurrency, warnDays: 30, failDays: 7 });
      ours.push(performance.now() - started);
      const acmCalls = emu.calls({ service: 'acm' });
      byOp = {};
      for (const c of acmCalls) byOp[c.operation] = (byOp[c.operation] ?? 0) + 1;
      throttled += acmCalls.filter((c) => c.error === 'ThrottlingException').length;
    }
    const wallMs = median(ours);
    const measuredFloorMs = median(bare);
    // The computed floor: the slowest operation's calls at its quota, in real time at this speed.
    const floorMs = Math.max(
      ...Object.entries(byOp).map(([op, n]) => ((n - 1) / (QUOTA[op] ?? 10) / speed) * 1000),
      0,
    );
    const emulatedSeconds = (wallMs / 1000) * speed;
    return {
      rows: [
        { what: 'certificates checked', value: count },
        { what: 'findings', value: findings.length },
        {
          what: 'ACM calls',
          value: Object.entries(byOp)
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
        },
        { what: `throttling errors (${rounds} run(s))`, value: throttled },
        { what: `wall time (emulator speed ${speed}x, median)`, value: `${(wallMs / 1000).toFixed(2)} s` },
        { what: 'quota-bound floor at that speed (computed)', value: `${(floorMs / 1000).toFixed(2)} s` },
        { what: 'wall / computed floor', value: `${(wallMs / floorMs).toFixed(2)}x` },
        {
          what: `measured floor: ${count} bare DescribeCertificate at 10/s (median)`,
          value: `${(measuredFloorMs / 1000).toFixed(2)} s (${bareThrottled} throttled)`,
        },
        { what: 'wall / measured floor', value: `${(wallMs / measuredFloorMs).toFixed(2)}x` },
        { what: 'same run in AWS time (emulated)', value: `${emulatedSeconds.toFixed(0)} s` },
      ],
      count,
      speed,
      rounds,
      wallMs,
      wallSamplesMs: ours,
      floorMs,
      measuredFloorMs,
      measuredFloorSamplesMs: bare,
      bareThrottled,
      throttled,
      calls: byOp,
    };
  } finally {
    await close();
  }
}
