// How soon waitUntilIssued returns after ACM reports ISSUED, for ACM taking about 30 s, 2 min and 10 min
// (emulated time), beside the goal max(1 s, 10% of the time ACM took) and the DescribeCertificate calls
// it made. The 30 s row runs in real time (speed 1) beside the SDK's waitUntilCertificateValidated
// (first poll at once, then 60-120 s apart); the 2 min and 10 min rows run on emulators 10x faster
// than real time, with the waiter's schedule (1 s floor, 30 s cap) scaled by the same factor.
// ACM's time is IssuedAt - CreatedAt and the delay after ISSUED is measured on the emulator's clock.
import { DescribeCertificateCommand, waitUntilCertificateValidated } from '@aws-sdk/client-acm';
import {
  DEFAULT_ISSUED_POLL_SCHEDULE,
  ensureCertificate,
  waitUntilIssued,
} from '@eks-kit/acm-dns-validation';
import { emulatorWithClients } from './emulator.mjs';

const RECORD_DELAY_SECONDS = 1;

async function one({ acmSeconds, speed, withSdk }) {
  const { emu, clients, close } = await emulatorWithClients(
    { region: 'ap-northeast-1', route53: { hostedZones: [{ name: 'foo.example.com', id: 'ZFOO' }] } },
    {
      speed,
      behaviour: {
        acmRecordDelaySeconds: RECORD_DELAY_SECONDS,
        // The records are written about when ACM shows them: validation takes the rest.
        acmValidationSeconds: acmSeconds - RECORD_DELAY_SECONDS,
        route53SyncSeconds: 60,
      },
    },
  );
  try {
    const ensured = await ensureCertificate(clients, {
      domainName: '*.foo.example.com',
      subjectAlternativeNames: ['foo.example.com'],
      wait: false,
    });
    const acm = await clients.acm();
    let looks = 1; // the look that sees ISSUED; one 'certificate.waiting' event before each other
    const scaled = {
      initialDelayMs: DEFAULT_ISSUED_POLL_SCHEDULE.initialDelayMs / speed,
      maxDelayMs: DEFAULT_ISSUED_POLL_SCHEDULE.maxDelayMs / speed,
    };
    const ours = waitUntilIssued(clients, {
      arn: ensured.arn,
      timeout: (45 * 60_000) / speed,
      schedule: scaled,
      onEvent: (e) => {
        if (e.type === 'certificate.waiting') looks++;
      },
    }).then(() => emu.now());
    const sdk = withSdk
      ? waitUntilCertificateValidated(
          { client: acm, maxWaitTime: 600 },
          { CertificateArn: ensured.arn },
        ).then(() => emu.now())
      : undefined;
    const oursAt = await ours;
    const sdkAt = sdk ? await sdk : undefined;
    const { Certificate } = await acm.send(new DescribeCertificateCommand({ CertificateArn: ensured.arn }));
    const issuedAt = Certificate.IssuedAt.getTime();
    const tookMs = issuedAt - Certificate.CreatedAt.getTime();
    return {
      acmSeconds,
      speed,
      status: Certificate.Status,
      acmTookMs: tookMs,
      goalMs: Math.max(1000, tookMs / 10),
      oursAfterIssuedMs: oursAt - issuedAt,
      looks,
      sdkAfterIssuedMs: sdkAt === undefined ? undefined : sdkAt - issuedAt,
    };
  } finally {
    await close();
  }
}

export async function run({ quick }) {
  const cases = quick
    ? [
        { acmSeconds: 30, speed: 10, withSdk: false },
        { acmSeconds: 120, speed: 10, withSdk: false },
      ]
    : [
        { acmSeconds: 30, speed: 1, withSdk: true },
        { acmSeconds: 120, speed: 10, withSdk: false },
        { acmSeconds: 600, speed: 10, withSdk: false },
      ];
  const results = await Promise.all(cases.map(one));
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const rows = results.map((r) => ({
    'ACM took (emulated)': s(r.acmTookMs),
    'waitUntilIssued returned after ISSUED': s(r.oursAfterIssuedMs),
    'goal max(1 s, 10%)': s(r.goalMs),
    met: r.oursAfterIssuedMs <= r.goalMs ? 'yes' : 'NO',
    'DescribeCertificate calls': r.looks,
    'emulator speed': `${r.speed}x`,
  }));
  for (const r of results)
    if (r.sdkAfterIssuedMs !== undefined)
      rows.push({
        'ACM took (emulated)': s(r.acmTookMs),
        'waitUntilIssued returned after ISSUED': `SDK waitUntilCertificateValidated: ${s(r.sdkAfterIssuedMs)}`,
        'goal max(1 s, 10%)': s(r.goalMs),
        met: r.sdkAfterIssuedMs <= r.goalMs ? 'yes' : 'NO',
        'DescribeCertificate calls': '',
        'emulator speed': `${r.speed}x`,
      });
  return { rows, results };
}
