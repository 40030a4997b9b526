// Runnable example: request a wildcard certificate, put its validation record in Route 53, wait
// until it is ISSUED, then check its renewal health, all against the local emulator.
//   pnpm --filter @eks-kit/acm-dns-validation... build && node packages/acm-dns-validation/examples/emulator-demo.mjs
import { checkCertificates, ensureCertificate } from '@eks-kit/acm-dns-validation';
import { startEmulator } from '@eks-kit/aws-emulator';
import { createClients, renderChanges } from '@eks-kit/core';

const emu = await startEmulator({
  port: 0,
  speed: 100, // emulated time runs 100x faster: ACM's and Route 53's delays take milliseconds
  seed: { region: 'eu-west-1', route53: { hostedZones: [{ name: 'example.com' }] } },
});
const clients = await createClients({
  region: 'eu-west-1',
  endpoint: emu.url,
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});
try {
  const fast = { initialDelayMs: 50, maxDelayMs: 200 };
  const result = await ensureCertificate(
    clients,
    {
      domainName: '*.foo.example.com',
      subjectAlternativeNames: ['foo.example.com'],
      stack: 'demo',
      recordsSchedule: fast,
      wait: { schedule: fast, timeout: 60_000 },
    },
    { onEvent: (e) => console.error(`  ${e.message}`) },
  );
  console.log(renderChanges(result.changes, { verb: 'Applied' }));
  console.log(`${result.arn} is ${result.status}`);
  for (const r of result.records) console.log(`  ${r.name} CNAME ${r.value} (${r.domains.join(', ')})`);
  const findings = await checkCertificates(clients, { select: { stack: 'demo' }, route53: true });
  for (const f of findings) console.log(`${f.status.padEnd(4)} ${f.check}: ${f.message}`);
} finally {
  clients.destroy();
  await emu.stop();
}
