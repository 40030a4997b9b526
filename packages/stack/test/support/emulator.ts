/** The emulator and real SDK clients the stack's procedure tests run against (127.0.0.1 only). */
import { type Emulator, startEmulator, type World } from '@eks-kit/aws-emulator';
import { type AwsClients, createClients } from '@eks-kit/core';

/**
 * Start an emulator seeded with `world` (1000x emulated time) and clients for it in ap-northeast-1.
 *
 * @example
 * ```ts
 * beforeAll(async () => ({ emu, clients } = await startStackEmulator(world)));
 * afterAll(() => stopStackEmulator(emu, clients));
 * ```
 */
export async function startStackEmulator(world: World): Promise<{ emu: Emulator; clients: AwsClients }> {
  const emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed: world });
  const clients = await createClients({
    region: 'ap-northeast-1',
    endpoint: emu.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 3,
  });
  return { emu, clients };
}

/** Close the clients' sockets, then stop the emulator. */
export async function stopStackEmulator(emu: Emulator, clients: AwsClients): Promise<void> {
  clients.destroy();
  await emu.stop();
}
