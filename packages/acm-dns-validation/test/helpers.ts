import type { Emulator, World } from '@eks-kit/aws-emulator';
import {
  startTestEmulator,
  TEST_CREDENTIALS,
  TEST_REGION,
  type TestEmulatorOptions,
} from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { DEFAULT_ACM_RATE_LIMITS } from '../src/index.js';

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

/**
 * The emulator seeded with `world` and clients for it, for the tests of the calling file (or
 * describe block): started before them, reset to `world` before each, stopped after them. `use`
 * receives both once started.
 *
 * @example
 * ```ts
 * let emu: Emulator;
 * let clients: AwsClients;
 * useFastEmulator(world, (e, c) => {
 *   emu = e;
 *   clients = c;
 * });
 * ```
 */
export function useFastEmulator(world: World, use: (emu: Emulator, clients: AwsClients) => void): void {
  let emu: Emulator | undefined;
  let clients: AwsClients | undefined;
  beforeAll(async () => {
    emu = await startFastEmulator(world);
    clients = await clientsFor(emu);
    use(emu, clients);
  });
  beforeEach(() => emu?.reset());
  afterAll(async () => {
    clients?.destroy();
    await emu?.stop();
  });
}

/** ACM's default client-side rates scaled to the emulator's speed (1000): the same quotas in emulated time. */
export const FAST_ACM_RATES = Object.fromEntries(
  Object.entries(DEFAULT_ACM_RATE_LIMITS).map(([k, v]) => [k, v * 1000]),
);

/** A load balancer that uses a certificate (`inUseBy`: ACM renews only certificates in use). */
export const LB = 'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/web/1';

/** The public zones of the check tests: example.com, and strict.example.com whose CAA allows only Let's Encrypt. */
export const CHECK_ZONES = [
  { name: 'example.com', id: 'ZPUB' },
  {
    name: 'strict.example.com',
    id: 'ZSTRICT',
    records: [{ name: 'strict.example.com', type: 'CAA' as const, values: ['0 issue "letsencrypt.org"'] }],
  },
];

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
