// Emulator + real SDK clients for bench cases.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '@eks-kit/aws-emulator';
import { createClients } from '@eks-kit/core';
import { loadStack } from '@eks-kit/stack';

export async function emulatorWithClients(seed, options = {}) {
  const emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed, ...options });
  const clients = await createClients({
    region: seed.region ?? 'ap-northeast-1',
    endpoint: emu.url,
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
    maxAttempts: options.maxAttempts ?? 6,
    // Core's client-side quota buckets in the emulator's time (its own ACM quotas run in emulated time).
    quotas: { speed: options.speed ?? 1000 },
  });
  return {
    emu,
    clients,
    async close() {
      clients.destroy();
      await emu.stop();
    },
  };
}

const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);

/**
 * The seed stack (examples/seed) on a fresh emulator: `steps(stack, clients, measure)` runs the phases,
 * `measure(name, fn)` records the calls `fn` makes per `service:operation`. Returns the phases, one row per
 * operation of each phase beside `minimum[phase]`, and the totals.
 */
export async function seedCallPhases(root, names, minimum, steps) {
  const stack = await loadStack(join(root, 'examples/seed/eks-kit.yaml'));
  const world = JSON.parse(readFileSync(join(root, 'examples/seed/world.json'), 'utf8'));
  const { clients, close } = await emulatorWithClients(world, {
    speed: 1000,
    behaviour: { acmRecordDelaySeconds: 2, acmValidationSeconds: 20, route53SyncSeconds: 30 },
  });
  const phases = {};
  const measure = async (name, fn) => {
    clients.counter.reset();
    await fn();
    phases[name] = Object.fromEntries(
      clients.counter.snapshot().map((c) => [`${c.service}:${c.operation}`, c.calls]),
    );
  };
  try {
    await steps(stack, clients, measure);
  } finally {
    await close();
  }
  const rows = [];
  for (const phase of names) {
    const ops = new Set([...Object.keys(phases[phase]), ...Object.keys(minimum[phase])]);
    for (const op of [...ops].sort())
      rows.push({ phase, operation: op, calls: phases[phase][op] ?? 0, minimum: minimum[phase][op] ?? 0 });
    rows.push({ phase, operation: 'TOTAL', calls: sum(phases[phase]), minimum: sum(minimum[phase]) });
  }
  const totals = Object.fromEntries(
    names.map((p) => [p, { calls: sum(phases[p]), minimum: sum(minimum[p]) }]),
  );
  return { rows, phases, totals };
}

/**
 * The emulator's CLI in a process of its own (its CPU and memory are not the measured process's), on a
 * free port, seeded from `seedFile`: answers its URL and `stop()`.
 */
export async function spawnEmulator(root, seedFile, { speed = 1000 } = {}) {
  const child = spawn(
    process.execPath,
    [
      join(root, 'packages/aws-emulator/bin/eks-kit-emulator.js'),
      '--port',
      '0',
      '--speed',
      String(speed),
      '--seed',
      seedFile,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stop = () => child.kill('SIGTERM');
  try {
    const url = await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.stdout.once('data', (chunk) => {
        const match = /listening on (http:\/\/\S+)/.exec(String(chunk));
        match ? resolve(match[1]) : reject(new Error(`unexpected emulator output: ${chunk}`));
      });
    });
    return { url, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
