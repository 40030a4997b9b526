import { type Emulator, startEmulator, type World } from '@eks-kit/aws-emulator';
import { type AwsClients, createClients } from '@eks-kit/core';

export const ACCOUNT = '123456789012';
export const REGION = 'ap-northeast-1';
export const ISSUER = 'https://oidc.eks.ap-northeast-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';

/** A fast emulator on 127.0.0.1 and clients pointing at it. */
export async function startWorld(world: World): Promise<{ emu: Emulator; clients: AwsClients }> {
  const emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed: world });
  const clients = await createClients({
    region: REGION,
    endpoint: emu.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 3,
  });
  return { emu, clients };
}

/** Mutating calls the emulator saw, as `service:Operation`. */
export function mutations(emu: Emulator): string[] {
  return emu.calls({ mutating: true }).map((c) => `${c.service}:${c.operation}`);
}
