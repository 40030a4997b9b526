// The floor of the org-checks bench, measured (issue 21): the same AssumeRole calls the handler makes
// (one per account whose role exists or not), through one STS client at the same rate (a token bucket,
// burst 1) and the same concurrency, and nothing else. Run as a child process: prints FLOOR {json}.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

const roleArns = JSON.parse(process.env.FLOOR_ROLES ?? '[]');
const rate = Number(process.env.FLOOR_RATE);
const concurrency = Number(process.env.FLOOR_CONCURRENCY);
const sts = new STSClient({
  region: process.env.AWS_REGION,
  endpoint: process.env.AWS_ENDPOINT_URL,
  credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
  maxAttempts: 6,
});
let next = performance.now();
const token = async () => {
  const at = Math.max(next, performance.now());
  next = at + 1000 / rate;
  const wait = at - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
};
const started = performance.now();
let i = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (i < roleArns.length) {
      const RoleArn = roleArns[i++];
      await token();
      await sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 'floor' })).catch(() => undefined);
    }
  }),
);
const wallMs = performance.now() - started;
sts.destroy();
process.stdout.write(
  `FLOOR ${JSON.stringify({ wallMs, calls: roleArns.length, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
