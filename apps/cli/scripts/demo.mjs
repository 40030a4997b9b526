#!/usr/bin/env node
// `pnpm demo`: the seed's set-up applied by the built eks-kit CLI to the local AWS emulator.
// Starts the emulator (127.0.0.1, a free port) seeded with examples/seed/world.json at 20x real time,
// then runs: apply --yes, render --out .demo/out, plan (no changes), check, autoscaler logs, and
// destroy --yes twice (the second run proves nothing of the stack is left; the worker groups stay).
// Nothing leaves the machine: every AWS call goes to the emulator with dummy credentials.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@eks-kit/aws-emulator';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const cli = join(root, 'apps/cli/dist/eks-kit.js');
const stackFile = join(root, 'examples/seed/eks-kit.yaml');
const outDir = join(root, '.demo/out');
const logFile = join(root, 'examples/seed/cluster-autoscaler.log');
const started = Date.now();
const bold = (text) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[1m${text}\u001b[0m` : text);

if (!existsSync(cli)) {
  console.error(`The CLI is not built: ${relative(root, cli)} is missing. Run: pnpm build`);
  process.exit(1);
}

const world = JSON.parse(readFileSync(join(root, 'examples/seed/world.json'), 'utf8'));
const emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 20, seed: world });
const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'demo-secret-not-real',
  AWS_REGION: undefined,
  AWS_PROFILE: undefined,
  AWS_ENDPOINT_URL: undefined,
  AWS_EC2_METADATA_DISABLED: 'true',
  // No colour unless stdout is a terminal; a user's NO_COLOR is kept either way.
  NO_COLOR: process.stdout.isTTY ? process.env.NO_COLOR : '1',
};
for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];

// The emulator runs in this process, so the CLI must run asynchronously (a blocking spawn would
// stop the emulator from answering).
async function run(title, args, expected = [0]) {
  const shown = args.map((a) => (a.includes(root) ? relative(root, a) || '.' : a)).join(' ');
  console.log(`\n${bold(`==> ${title}`)}\n$ eks-kit ${shown}`);
  const child = spawn(process.execPath, [cli, ...args, '--endpoint-url', emu.url], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    cwd: root,
  });
  const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  if (!expected.includes(code ?? -1)) throw new Error(`eks-kit ${args[0]} exited with ${code ?? signal}`);
  return code;
}

let failed = false;
try {
  console.log(`AWS emulator on ${emu.url} (seeded from examples/seed/world.json, 20x real time).`);
  await run('Apply the seed stack (tags, roles, repositories, certificate + DNS validation, wait)', [
    'apply',
    '-f',
    stackFile,
    '--yes',
  ]);
  await run('Render helmfile.yaml, values, .gitlab-ci.yml and docker config.json', [
    'render',
    '-f',
    stackFile,
    '--out',
    outDir,
  ]);
  const applied = emu.calls({ mutating: true }).length;
  await run('Plan again: AWS already matches the stack', ['plan', '-f', stackFile, '--detailed-exitcode']);
  const afterPlan = emu.calls({ mutating: true }).length - applied;
  await run('Check everything the stack describes', ['check', '-f', stackFile]);
  await run('Read a sample cluster-autoscaler log', ['autoscaler', 'logs', logFile]);
  await run('Destroy the stack: certificate + record, repositories, roles, our tags on the worker groups', [
    'destroy',
    '-f',
    stackFile,
    '--yes',
  ]);
  const destroyed = emu.calls({ mutating: true }).length;
  await run('Destroy again: nothing of the stack is left, so nothing is deleted', [
    'destroy',
    '-f',
    stackFile,
    '--yes',
  ]);
  const secondDestroy = emu.calls({ mutating: true }).length - destroyed;
  if (secondDestroy !== 0) throw new Error(`the second destroy made ${secondDestroy} mutating call(s)`);
  const groups = [...emu.state.autoscaling.groups.values()];
  const stillTagged = groups.filter((g) => g.tags.has('eks-kit:stack')).map((g) => g.name);
  if (stillTagged.length > 0) throw new Error(`worker groups still tagged: ${stillTagged.join(', ')}`);
  console.log(`The worker groups stay (${groups.map((g) => g.name).join(', ')}), without the eks-kit tags.`);
  console.log(`
${bold('What to look at next')}
  examples/seed/eks-kit.yaml     the whole set-up in one file (eks-kit init writes a commented starter)
  .demo/out/helmfile.yaml        cluster-autoscaler + metrics-server, current repositories, pinned charts
  .demo/out/values/              Helm values: IRSA role annotation, auto-discovery, checked extraArgs
  .demo/out/.gitlab-ci.yml       the kaniko job pushing to ECR with the ecr-login credential helper
  .demo/out/docker/config.json   credHelpers for the registry host (mode 0600)
  Try (the demo's emulator has stopped): start one in another terminal,
       node packages/aws-emulator/bin/eks-kit-emulator.js --port 4566 --seed examples/seed/world.json
     then, with dummy credentials (the emulator accepts any):
       AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=x node apps/cli/bin/eks-kit.js \\
         plan -f examples/seed/eks-kit.yaml --endpoint-url http://127.0.0.1:4566
     or, with no AWS at all:
       node apps/cli/bin/eks-kit.js autoscaler logs - < examples/seed/cluster-autoscaler.log
  check warns that the certificate is not in use: nothing uses it in the emulator, and ACM renews
  only certificates in use (attach it to a load balancer in a real account).
  In the emulator's call log: ${applied} mutating call(s) by apply, ${afterPlan} by the second plan,
  ${secondDestroy} by the second destroy.
  Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
} catch (error) {
  failed = true;
  console.error(`\nDemo failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await emu.stop();
}
process.exit(failed ? 1 : 0);
