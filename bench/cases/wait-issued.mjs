// Time from the emulator making a certificate valid to waitForIssued returning, beside the SDK's
// waiter (waitUntilCertificateValidated: first poll at once, then 60-120 s apart) on the same emulator,
// in real time (speed 1).
import { DescribeCertificateCommand, waitUntilCertificateValidated } from '@aws-sdk/client-acm';
import { ensureCertificate, waitForIssued } from '@eks-kit/acm-dns-validation';
import { emulatorWithClients } from './emulator.mjs';

export async function run({ quick }) {
  const validationSeconds = quick ? 5 : 30;
  const { emu, clients, close } = await emulatorWithClients(
    { region: 'ap-northeast-1', route53: { hostedZones: [{ name: 'foo.example.com', id: 'ZFOO' }] } },
    {
      speed: 1,
      behaviour: {
        acmRecordDelaySeconds: 1,
        acmValidationSeconds: validationSeconds,
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
    // The records were just UPSERTed: ACM sees them valid `validationSeconds` later.
    const validAt = performance.now() + validationSeconds * 1000;
    const acm = await clients.acm();
    const ours = waitForIssued(clients, { arn: ensured.arn, timeout: 10 * 60_000 }).then(() =>
      performance.now(),
    );
    const sdk = waitUntilCertificateValidated(
      { client: acm, maxWaitTime: 600 },
      { CertificateArn: ensured.arn },
    ).then(() => performance.now());
    const [oursAt, sdkAt] = await Promise.all([ours, sdk]);
    const { Certificate } = await acm.send(new DescribeCertificateCommand({ CertificateArn: ensured.arn }));
    const describes = emu.calls({ service: 'acm', operation: 'DescribeCertificate' }).length;
    return {
      rows: [
        { waiter: 'waitForIssued (eks-kit)', 'after valid': `${((oursAt - validAt) / 1000).toFixed(1)} s` },
        {
          waiter: 'waitUntilCertificateValidated (SDK)',
          'after valid': `${((sdkAt - validAt) / 1000).toFixed(1)} s`,
        },
      ],
      validationSeconds,
      status: Certificate?.Status,
      oursAfterValidMs: oursAt - validAt,
      sdkAfterValidMs: sdkAt - validAt,
      describeCallsBoth: describes,
    };
  } finally {
    await close();
  }
}
