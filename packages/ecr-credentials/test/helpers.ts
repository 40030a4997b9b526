import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator as startEmulatorForTests, TEST_CREDENTIALS } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export const ACCOUNT = '123456789012';
export const REGION = 'ap-northeast-1';
export const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
export const NODE_ROLE_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/eks-node-role/i-0123456789abcdef0`;

/** A small world: the default caller may do anything; AKIDNODE is the node role without push rights. */
export function world(extra: Partial<World> = {}): World {
  return {
    accountId: ACCOUNT,
    region: REGION,
    identities: {
      AKIDNODE: {
        arn: NODE_ROLE_SESSION,
        deny: ['ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'],
      },
      AKIDNOTOKEN: { arn: `arn:aws:iam::${ACCOUNT}:user/no-ecr`, deny: ['ecr:GetAuthorizationToken'] },
      AKIDNODESCRIBE: {
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/gitlab-runner-ecr-push/build`,
        deny: ['ecr:DescribeRepositories'],
      },
    },
    ...extra,
  };
}

/** The emulator's test set-up (`@eks-kit/aws-emulator/testing`) seeded with {@link world}. */
export async function startTestEmulator(seed: World = world()): Promise<Emulator> {
  return (await startEmulatorForTests({ seed })).emulator;
}

/** Core's clients against the emulator, as the identity of `accessKeyId` (see {@link world}). */
export function clientsFor(emu: Emulator, accessKeyId = TEST_CREDENTIALS.accessKeyId): Promise<AwsClients> {
  return createClients({
    region: REGION,
    endpoint: emu.url,
    credentials: { ...TEST_CREDENTIALS, accessKeyId },
    maxAttempts: 3,
  });
}

/** The issuer of the `prod` cluster's IAM OIDC provider in {@link runnerWorld}. */
export const ISSUER = `https://oidc.eks.${REGION}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;

/** {@link world} with an EKS cluster `prod` and its IAM OIDC provider (the runner role's trust). */
export function runnerWorld(): World {
  return world({
    eks: { clusters: [{ name: 'prod', version: '1.35', oidcIssuer: ISSUER }] },
    iam: { oidcProviders: [ISSUER] },
  });
}

/**
 * The emulator seeded with `seed` and the default caller's clients, for the tests of the calling file:
 * started before them, reset before each, stopped after them. `use` receives both once started.
 *
 * @example
 * ```ts
 * let emu: Emulator;
 * let clients: AwsClients;
 * useEcrEmulator(runnerWorld(), (e, c) => {
 *   emu = e;
 *   clients = c;
 * });
 * ```
 */
export function useEcrEmulator(seed: World, use: (emu: Emulator, clients: AwsClients) => void): void {
  let emu: Emulator | undefined;
  let clients: AwsClients | undefined;
  beforeAll(async () => {
    emu = await startTestEmulator(seed);
    clients = await clientsFor(emu);
    use(emu, clients);
  });
  afterAll(async () => {
    clients?.destroy();
    await emu?.stop();
  });
  beforeEach(() => emu?.reset());
}
