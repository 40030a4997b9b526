/** The emulator and real SDK clients the stack's procedure tests run against (127.0.0.1 only). */
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator, TEST_CREDENTIALS, TEST_REGION } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';

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
