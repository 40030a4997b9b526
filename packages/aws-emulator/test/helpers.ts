import { ACMClient } from '@aws-sdk/client-acm';
import { Route53Client } from '@aws-sdk/client-route-53';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Emulator, EmulatorOptions, World } from '../src/index.js';
import { startTestEmulator as startForTests, TEST_CREDENTIALS, TEST_REGION } from '../src/testing.js';

export const credentials = { ...TEST_CREDENTIALS };

/** The exported test set-up (`src/testing.ts`), answering the emulator itself (these tests drive it). */
export async function startTestEmulator(
  options: Omit<EmulatorOptions, 'host' | 'port'> = {},
): Promise<Emulator> {
  return (await startForTests(options)).emulator;
}

/** SDK client config pointing at the emulator (no retries unless asked). */
export function clientConfig(
  emu: Emulator,
  extra: { region?: string; maxAttempts?: number; accessKeyId?: string } = {},
) {
  return {
    region: extra.region ?? TEST_REGION,
    endpoint: emu.url,
    credentials: { ...credentials, ...(extra.accessKeyId ? { accessKeyId: extra.accessKeyId } : {}) },
    maxAttempts: extra.maxAttempts ?? 1,
  };
}

export function stsClient(emu: Emulator, extra: Parameters<typeof clientConfig>[1] = {}): STSClient {
  return new STSClient(clientConfig(emu, extra));
}

/** What an SDK v3 service error exposes. */
export interface SdkError {
  name: string;
  message: string;
  $fault?: string;
  $metadata: { httpStatusCode?: number; attempts?: number };
}

/** The error a call fails with (the test fails if it succeeds). */
export async function failure(call: Promise<unknown>): Promise<SdkError> {
  try {
    await call;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the call to fail');
}

/** Retry error classes the SDK reported to {@link fastRetries}, in order. */
export type RetryLog = string[];

/**
 * An SDK retry strategy that retries at once (no backoff) up to `maxAttempts`, recording how the
 * SDK classified each error (THROTTLING, TRANSIENT, SERVER_ERROR, CLIENT_ERROR).
 */
export function fastRetries(maxAttempts: number, log: RetryLog) {
  const token = (count: number) => ({ getRetryCount: () => count, getRetryDelay: () => 0 });
  return {
    mode: 'standard',
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (t: { getRetryCount(): number }, info: { errorType: string }) => {
      log.push(info.errorType);
      if (t.getRetryCount() + 1 >= maxAttempts || info.errorType === 'CLIENT_ERROR')
        throw new Error('no retry');
      return token(t.getRetryCount() + 1);
    },
    recordSuccess: () => undefined,
  };
}

/**
 * For the tests of the calling describe block: an emulator of `world` whose time stands (nearly) still
 * and moves only with advanceClock (speed 0.001: "not yet" is decided by the test, not by how fast the
 * machine answered the previous call), ACM adding its records 5 emulated seconds after a request and
 * validating 20 s after the record; ACM and Route 53 clients. Started before the tests, reset before
 * each, stopped after them; `use` receives them once started.
 *
 * @example
 * ```ts
 * let emu: Emulator;
 * let acm: ACMClient;
 * useFrozenAcmEmulator(world, (env) => ({ emu, acm } = env));
 * ```
 */
export function useFrozenAcmEmulator(
  world: World,
  use: (env: { emu: Emulator; acm: ACMClient; r53: Route53Client }) => void,
): void {
  let emu: Emulator | undefined;
  beforeAll(async () => {
    emu = await startTestEmulator({
      speed: 0.001,
      seed: world,
      behaviour: { acmRecordDelaySeconds: 5, acmValidationSeconds: 20 },
    });
    use({
      emu,
      acm: new ACMClient(clientConfig(emu)),
      r53: new Route53Client(clientConfig(emu, { region: 'us-east-1' })),
    });
  });
  beforeEach(() => emu?.reset());
  afterAll(() => emu?.stop());
}
