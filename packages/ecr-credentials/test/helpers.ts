import { type Emulator, startEmulator, type World } from '@eks-kit/aws-emulator';
import { type AwsClients, createClients } from '@eks-kit/core';

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

export function startTestEmulator(seed: World = world()): Promise<Emulator> {
  return startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed });
}

export function clientsFor(emu: Emulator, accessKeyId = 'AKIDEXAMPLE'): Promise<AwsClients> {
  return createClients({
    region: REGION,
    endpoint: emu.url,
    credentials: { accessKeyId, secretAccessKey: 'secret' },
    maxAttempts: 3,
  });
}
