import {
  CreatePodIdentityAssociationCommand,
  DeletePodIdentityAssociationCommand,
  DescribeClusterCommand,
  DescribePodIdentityAssociationCommand,
  EKSClient,
  ListPodIdentityAssociationsCommand,
  UpdatePodIdentityAssociationCommand,
} from '@aws-sdk/client-eks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator, World } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

const issuer = 'https://oidc.eks.ap-northeast-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
const world: World = {
  region: 'ap-northeast-1',
  eks: {
    clusters: [
      { name: 'prod', version: '1.33', oidcIssuer: issuer },
      { name: 'dev' },
      { name: 'auto', autoMode: { nodePools: ['general-purpose'] } },
    ],
  },
};
const roleArn = 'arn:aws:iam::123456789012:role/cluster-autoscaler';

let emu: Emulator;
let eks: EKSClient;

beforeAll(async () => {
  emu = await startTestEmulator({ seed: world });
  eks = new EKSClient(clientConfig(emu));
});
afterAll(async () => {
  eks.destroy();
  await emu.stop();
});
beforeEach(() => {
  emu.seed(world);
  emu.resetCalls();
});

describe('DescribeCluster', () => {
  it('serves the EKS Auto Mode fields: computeConfig, block storage and load balancing together', async () => {
    const auto = await eks.send(new DescribeClusterCommand({ name: 'auto' }));
    expect(auto.cluster?.computeConfig).toEqual({
      enabled: true,
      nodePools: ['general-purpose'],
      nodeRoleArn: 'arn:aws:iam::123456789012:role/auto-auto-mode-node',
    });
    expect(auto.cluster?.storageConfig?.blockStorage?.enabled).toBe(true);
    expect(auto.cluster?.kubernetesNetworkConfig?.elasticLoadBalancing?.enabled).toBe(true);
    const classic = await eks.send(new DescribeClusterCommand({ name: 'prod' }));
    expect(classic.cluster?.computeConfig).toEqual({ enabled: false });
    expect(classic.cluster?.storageConfig?.blockStorage?.enabled).toBe(false);
  });

  it('gives the OIDC issuer, version, status and ARN', async () => {
    const out = await eks.send(new DescribeClusterCommand({ name: 'prod' }));
    expect(out.cluster).toMatchObject({
      name: 'prod',
      version: '1.33',
      status: 'ACTIVE',
      arn: 'arn:aws:eks:ap-northeast-1:123456789012:cluster/prod',
      identity: { oidc: { issuer } },
    });
    const dev = await eks.send(new DescribeClusterCommand({ name: 'dev' }));
    expect(dev.cluster?.identity?.oidc?.issuer).toMatch(
      /^https:\/\/oidc\.eks\.ap-northeast-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/,
    );
  });

  it('answers ResourceNotFoundException for an unknown cluster', async () => {
    const err = await failure(eks.send(new DescribeClusterCommand({ name: 'nope' })));
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(err.message).toBe('No cluster found for name: nope.');
  });
});

describe('Pod Identity associations', () => {
  it('creates, lists with filters, describes, updates and deletes', async () => {
    const created = await eks.send(
      new CreatePodIdentityAssociationCommand({
        clusterName: 'prod',
        namespace: 'kube-system',
        serviceAccount: 'cluster-autoscaler-aws-cluster-autoscaler',
        roleArn,
      }),
    );
    const a = created.association!;
    expect(a.associationId).toMatch(/^a-[a-z0-9]{17}$/);
    expect(a.associationArn).toBe(
      `arn:aws:eks:ap-northeast-1:123456789012:podidentityassociation/prod/${a.associationId}`,
    );
    await eks.send(
      new CreatePodIdentityAssociationCommand({
        clusterName: 'prod',
        namespace: 'default',
        serviceAccount: 'app',
        roleArn,
      }),
    );
    const filtered = await eks.send(
      new ListPodIdentityAssociationsCommand({
        clusterName: 'prod',
        namespace: 'kube-system',
        serviceAccount: 'cluster-autoscaler-aws-cluster-autoscaler',
      }),
    );
    expect(filtered.associations?.map((x) => x.associationId)).toEqual([a.associationId]);
    const all = await eks.send(
      new ListPodIdentityAssociationsCommand({ clusterName: 'prod', maxResults: 1 }),
    );
    expect(all.associations).toHaveLength(1);
    expect(all.nextToken).toBeDefined();
    const described = await eks.send(
      new DescribePodIdentityAssociationCommand({ clusterName: 'prod', associationId: a.associationId }),
    );
    expect(described.association?.roleArn).toBe(roleArn);
    const other = 'arn:aws:iam::123456789012:role/other';
    const updated = await eks.send(
      new UpdatePodIdentityAssociationCommand({
        clusterName: 'prod',
        associationId: a.associationId,
        roleArn: other,
      }),
    );
    expect(updated.association?.roleArn).toBe(other);
    await eks.send(
      new DeletePodIdentityAssociationCommand({ clusterName: 'prod', associationId: a.associationId }),
    );
    const gone = await failure(
      eks.send(
        new DescribePodIdentityAssociationCommand({ clusterName: 'prod', associationId: a.associationId }),
      ),
    );
    expect(gone.name).toBe('ResourceNotFoundException');
    expect(emu.calls({ mutating: true }).map((c) => c.operation)).toEqual([
      'CreatePodIdentityAssociation',
      'CreatePodIdentityAssociation',
      'UpdatePodIdentityAssociation',
      'DeletePodIdentityAssociation',
    ]);
  });

  it('refuses a second association for one service account with ResourceInUseException', async () => {
    const input = { clusterName: 'prod', namespace: 'kube-system', serviceAccount: 'ca', roleArn };
    await eks.send(new CreatePodIdentityAssociationCommand(input));
    const err = await failure(eks.send(new CreatePodIdentityAssociationCommand(input)));
    expect(err.name).toBe('ResourceInUseException');
    expect(err.$metadata.httpStatusCode).toBe(409);
  });

  it('refuses a malformed role ARN and an unknown cluster', async () => {
    const bad = await failure(
      eks.send(
        new CreatePodIdentityAssociationCommand({
          clusterName: 'prod',
          namespace: 'kube-system',
          serviceAccount: 'ca',
          roleArn: 'ca-role',
        }),
      ),
    );
    expect(bad.name).toBe('InvalidParameterException');
    const missing = await failure(eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'nope' })));
    expect(missing.name).toBe('ResourceNotFoundException');
  });
});
