import type { Emulator, World } from '@eks-kit/aws-emulator';
import {
  startTestEmulator,
  TEST_CREDENTIALS,
  TEST_REGION,
  type TestEmulatorOptions,
} from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';

/** The emulator's test set-up with ACM's and Route 53's delays short (1 emulated second = 1 real ms). */
export async function startFastEmulator(seed: World, extra: TestEmulatorOptions = {}): Promise<Emulator> {
  const env = await startTestEmulator({
    seed,
    behaviour: { acmRecordDelaySeconds: 5, acmValidationSeconds: 20, route53SyncSeconds: 60 },
    ...extra,
  });
  return env.emulator;
}

/** Real SDK clients pointed at the emulator. */
export function clientsFor(emu: Emulator): Promise<AwsClients> {
  return createClients({
    region: TEST_REGION,
    endpoint: emu.url,
    credentials: { ...TEST_CREDENTIALS },
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
