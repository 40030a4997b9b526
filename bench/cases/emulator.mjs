// Emulator + real SDK clients for bench cases.
import { startEmulator } from '@eks-kit/aws-emulator';
import { createClients } from '@eks-kit/core';

export async function emulatorWithClients(seed, options = {}) {
  const emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed, ...options });
  const clients = await createClients({
    region: seed.region ?? 'ap-northeast-1',
    endpoint: emu.url,
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
    maxAttempts: options.maxAttempts ?? 6,
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
