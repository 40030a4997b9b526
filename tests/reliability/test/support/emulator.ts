/** Starting the emulator and real SDK clients for the suite (127.0.0.1 only, high speed, small worlds). */

import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator as startEmulatorForTests } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';

export const REGION = 'ap-northeast-1';
export const ACCOUNT_ID = '123456789012';
/** Test credentials: the secret is scanned for in every output (security checks). */
export const CREDENTIALS = {
  accessKeyId: 'AKIDRELIABILITY',
  secretAccessKey: 'reliabilitySecretKey0123456789abcdefXYZ',
};

/** Start an emulator on 127.0.0.1 at emulated speed 1000 (delays of seconds take milliseconds). */
export async function startTestEmulator(
  world: World,
  behaviour: Record<string, unknown> = {},
  speed = 1000,
): Promise<Emulator> {
  const env = await startEmulatorForTests({ speed, seed: world, faults: [], behaviour, randomSeed: 7 });
  return env.emulator;
}

/** Real SDK clients against the emulator. `maxAttempts` 6 is core's default (the CLI's too). */
export async function emulatorClients(emu: Emulator, maxAttempts = 6): Promise<AwsClients> {
  return createClients({ region: REGION, endpoint: emu.url, credentials: CREDENTIALS, maxAttempts });
}
