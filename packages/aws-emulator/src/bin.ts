/**
 * `eks-kit-emulator [--port 4566] [--host 127.0.0.1] [--speed N] [--seed world.json] [--dns]`: runs the
 * emulator until SIGINT/SIGTERM. The first stdout line is `listening on http://<host>:<port>`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmulator } from './emulator.js';
import type { World } from './types.js';

const USAGE =
  'usage: eks-kit-emulator [--port 4566] [--host 127.0.0.1] [--speed N] [--seed world.json] [--dns]';

async function main(): Promise<void> {
  let values: { port?: string; host?: string; speed?: string; seed?: string; dns?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        speed: { type: 'string' },
        seed: { type: 'string' },
        dns: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port ?? 4566);
  const speed = Number(values.speed ?? 1);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be an integer in 0..65535, got ${values.port}\n`);
    process.exit(2);
  }
  if (!(speed > 0)) {
    process.stderr.write(`--speed must be a positive number, got ${values.speed}\n`);
    process.exit(2);
  }
  let seed: World | undefined;
  if (values.seed) {
    try {
      seed = JSON.parse(readFileSync(values.seed, 'utf8')) as World;
    } catch (err) {
      process.stderr.write(`--seed ${values.seed}: ${(err as Error).message}\n`);
      process.exit(2);
    }
  }
  const emu = await startEmulator({
    port,
    host: values.host ?? '127.0.0.1',
    speed,
    ...(seed ? { seed } : {}),
    ...(values.dns ? { dns: true } : {}),
  });
  process.stdout.write(`listening on ${emu.url}\n`);
  // After the first line (tests read it first): the DNS port, UDP and TCP.
  if (emu.dnsPort !== undefined)
    process.stdout.write(`dns on ${values.host ?? '127.0.0.1'}:${emu.dnsPort} (udp+tcp)\n`);
  const stop = (): void => {
    emu.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`eks-kit-emulator: ${(err as Error).message}\n`);
  process.exit(1);
});
