// 1,000 certificates checked with checkCertificates: wall time beside the floor ACM's quotas allow,
// and the throttling errors seen. The emulator runs `speed` times faster than real time and enforces
// ACM's quotas in emulated time; the client-side limiter's rates are scaled by the same factor.
import { checkCertificates, DEFAULT_ACM_RATE_LIMITS } from '@eks-kit/acm-dns-validation';
import { emulatorWithClients } from './emulator.mjs';

// ACM quotas (docs/AWS-FACTS.md#acm-request-rate-quotas): DescribeCertificate 10/s, ListCertificates 1/s.
const QUOTA = { DescribeCertificate: 10, ListCertificates: 1, ListTagsForCertificate: 10 };

export async function run({ quick }) {
  const count = quick ? 200 : 1000;
  const speed = 10;
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
    const started = performance.now();
    const findings = await checkCertificates(clients, {
      rateLimits,
      concurrency: 16,
      warnDays: 30,
      failDays: 7,
    });
    const wallMs = performance.now() - started;
    const acmCalls = emu.calls({ service: 'acm' });
    const byOp = {};
    for (const c of acmCalls) byOp[c.operation] = (byOp[c.operation] ?? 0) + 1;
    // The floor: the slowest operation's calls at its quota, in real time at this speed.
    const floorMs = Math.max(
      ...Object.entries(byOp).map(([op, n]) => ((n - 1) / (QUOTA[op] ?? 10) / speed) * 1000),
      0,
    );
    const throttled = acmCalls.filter((c) => c.error === 'ThrottlingException').length;
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
        { what: 'throttling errors', value: throttled },
        { what: `wall time (emulator speed ${speed}x)`, value: `${(wallMs / 1000).toFixed(2)} s` },
        { what: 'quota-bound floor at that speed', value: `${(floorMs / 1000).toFixed(2)} s` },
        { what: 'wall / floor', value: `${(wallMs / floorMs).toFixed(2)}x` },
        { what: 'same run in AWS time (emulated)', value: `${emulatedSeconds.toFixed(0)} s` },
      ],
      count,
      speed,
      wallMs,
      floorMs,
      throttled,
      calls: byOp,
    };
  } finally {
    await close();
  }
}
