import { type Emulator, type EmulatorOptions, startEmulator, type World } from '@eks-kit/aws-emulator';
import { type AwsClients, createClients } from '@eks-kit/core';

/** A fast emulator: 1 emulated second = 1 real ms. */
export function startFastEmulator(seed: World, extra: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({
    port: 0,
    host: '127.0.0.1',
    speed: 1000,
    seed,
    behaviour: { acmRecordDelaySeconds: 5, acmValidationSeconds: 20, route53SyncSeconds: 60 },
    ...extra,
  });
}

/** Real SDK clients pointed at the emulator. */
export function clientsFor(emu: Emulator): Promise<AwsClients> {
  return createClients({
    region: 'ap-northeast-1',
    endpoint: emu.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 3,
    // Core's client-side quota buckets (issue 22) in the emulator's time: 1 emulated second = 1 real ms.
    quotas: { speed: 1000 },
  });
}

/** A polling schedule in real ms that suits an emulator at speed 1000. */
export const fastSchedule = { initialDelayMs: 5, maxDelayMs: 25, factor: 1.5, jitter: 0 };

/** The error a promise rejects with. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; hint?: string };
  }
  throw new Error('expected a rejection');
}
