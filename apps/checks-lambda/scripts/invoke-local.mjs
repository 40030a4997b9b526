#!/usr/bin/env node
// Invoke the built Lambda bundle (dist/index.mjs) locally against the eks-kit AWS emulator, as
// EventBridge Scheduler would: the stack inline in the environment as the deploy template stores it (the
// validated stack as JSON and its digest, so the function loads no validator), AWS_ENDPOINT_URL at the emulator.
// Usage (from the repository root, after `pnpm --filter @eks-kit/checks-lambda... build`):
//   node apps/checks-lambda/scripts/invoke-local.mjs [--stack examples/seed/eks-kit.yaml] [--world examples/seed/world.json]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '@eks-kit/aws-emulator';
import { loadStack, stackDigest } from '@eks-kit/stack';

const root = new URL('../../../', import.meta.url);
const { values } = parseArgs({
  options: {
    stack: { type: 'string', default: new URL('examples/seed/eks-kit.yaml', root).pathname },
    world: { type: 'string', default: new URL('examples/seed/world.json', root).pathname },
  },
});

const world = JSON.parse(readFileSync(resolve(values.world), 'utf8'));
const stackJson = JSON.stringify(await loadStack(resolve(values.stack)));
const emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 100, seed: world });
try {
  Object.assign(process.env, {
    EKS_KIT_STACK: stackJson,
    EKS_KIT_STACK_SHA256: stackDigest(stackJson),
    AWS_ENDPOINT_URL: emu.url,
    AWS_REGION: world.region ?? 'us-east-1',
    // The emulator accepts any credentials; never real ones here.
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
  });
  const { handler } = await import(new URL('../dist/index.mjs', import.meta.url).href);
  const summary = await handler(
    { 'detail-type': 'Scheduled Event' },
    { getRemainingTimeInMillis: () => 300_000 },
  );
  const { fail, warn, ok } = summary.counts;
  console.error(
    `\n${summary.status.toUpperCase()}: ${fail} fail, ${warn} warn, ${ok} ok (stack ${summary.stack}; JSON logs and EMF lines above)`,
  );
} finally {
  await emu.stop();
}
