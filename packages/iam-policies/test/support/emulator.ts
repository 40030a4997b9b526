/**
 * A small IAM world and client set for procedure tests against @eks-kit/aws-emulator.
 */

import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export const ACCOUNT = '123456789012';
export const ISSUER = 'https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;
export const NODE_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/eks-node`;

/** The world: one old node role and the cluster's OIDC provider. */
export function world(extraRoles: Record<string, unknown>[] = []): Record<string, unknown> {
  return {
    accountId: ACCOUNT,
    iam: {
      roles: [
        {
          name: 'eks-node',
          assumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          },
        },
        ...extraRoles,
      ],
      oidcProviders: [ISSUER],
    },
  };
}

/** Start an emulator (fast emulated time unless told) and a client set pointing at it. */
export async function startIamEmulator(
  options: { speed?: number; seed?: Record<string, unknown> } = {},
): Promise<{ emu: Emulator; clients: AwsClients }> {
  const env = await startTestEmulator({
    speed: options.speed ?? 1000,
    seed: (options.seed ?? world()) as never,
    faults: [],
  });
  return { emu: env.emulator, clients: await createClients(env.clientConfig()) };
}

/**
 * The emulator of {@link world} and a client set for the tests of the calling file (or describe
 * block): started before them, reset to the world before each one, stopped after them. `use`
 * receives both once started.
 *
 * @example
 * ```ts
 * let emu: Emulator;
 * let clients: AwsClients;
 * useIamEmulator((e, c) => {
 *   emu = e;
 *   clients = c;
 * });
 * ```
 */
export function useIamEmulator(use: (emu: Emulator, clients: AwsClients) => void): void {
  let started: { emu: Emulator; clients: AwsClients } | undefined;
  beforeAll(async () => {
    started = await startIamEmulator();
    use(started.emu, started.clients);
  });
  afterAll(async () => {
    started?.clients.destroy();
    await started?.emu.stop();
  });
  beforeEach(() => started?.emu.reset());
}

/** Fast propagation retries for tests (real milliseconds). */
export const FAST_RETRY = { propagation: { initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 10_000 } };
