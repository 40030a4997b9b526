/** The emulator and real SDK clients the stack's procedure tests run against (127.0.0.1 only). */
import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator, TEST_CREDENTIALS, TEST_REGION } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/**
 * Core's clients against a started emulator (ap-northeast-1, 3 attempts): fresh ones per test
 * where a test must not share the clients' read cache.
 *
 * @example
 * ```ts
 * beforeEach(async () => (clients = await stackClients(emu)));
 * ```
 */
export function stackClients(emu: Emulator): Promise<AwsClients> {
  return createClients({
    region: TEST_REGION,
    endpoint: emu.url,
    credentials: { ...TEST_CREDENTIALS },
    maxAttempts: 3,
  });
}

/**
 * Start an emulator seeded with `world` (the emulator's test set-up, `@eks-kit/aws-emulator/testing`:
 * 127.0.0.1, 1000x emulated time) and clients for it.
 *
 * @example
 * ```ts
 * beforeAll(async () => ({ emu, clients } = await startStackEmulator(world)));
 * afterAll(() => stopStackEmulator(emu, clients));
 * ```
 */
export async function startStackEmulator(
  world: World,
  options: { dns?: boolean } = {},
): Promise<{ emu: Emulator; clients: AwsClients }> {
  const emu = (await startTestEmulator({ seed: world, ...options })).emulator;
  return { emu, clients: await stackClients(emu) };
}

/** Close the clients' sockets, then stop the emulator. */
export async function stopStackEmulator(emu: Emulator, clients: AwsClients): Promise<void> {
  clients.destroy();
  await emu.stop();
}

/**
 * The seed example (examples/seed): its stack file's text and the emulator world it is applied to.
 *
 * @example
 * ```ts
 * const { stackText, world } = seedExample();
 * const stack = parseStack(stackText);
 * ```
 */
export function seedExample(): { stackText: string; world: World } {
  const root = new URL('../../../../examples/seed/', import.meta.url);
  return {
    stackText: readFileSync(new URL('eks-kit.yaml', root), 'utf8'),
    world: JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World,
  };
}

/**
 * One emulator for the calling test file, seeded with `world`, and fresh clients for each test (no
 * read cache shared between tests): started before the file's tests and stopped after them; before
 * each test the state goes back to `world` (`'seed'`: seeded again and the call log cleared;
 * `'reset'`: the emulator's reset, faults too) and new clients are made. `use` receives the emulator
 * and each test's clients.
 *
 * @example
 * ```ts
 * let emu: Emulator;
 * let clients: AwsClients;
 * useStackEmulator(world, 'seed', (e, c) => {
 *   emu = e;
 *   clients = c;
 * });
 * ```
 */
export function useStackEmulator(
  world: World,
  before: 'seed' | 'reset',
  use: (emu: Emulator, clients: AwsClients) => void,
): void {
  let emu: Emulator | undefined;
  let clients: AwsClients | undefined;
  beforeAll(async () => {
    emu = (await startTestEmulator({ seed: world })).emulator;
  });
  afterAll(async () => {
    clients?.destroy();
    await emu?.stop();
  });
  beforeEach(async () => {
    const started = emu as Emulator;
    if (before === 'seed') {
      started.seed(world);
      started.resetCalls();
    } else started.reset();
    clients?.destroy();
    clients = await stackClients(started);
    use(started, clients);
  });
}
