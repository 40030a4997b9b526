/**
 * The stack of the across-regions tests: it once had a certificate for bar.foo.example.com in
 * eu-west-1; the entry was removed (`after`) or moved to us-east-1 (`moved`) and applied without --prune.
 */
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { TEST_CREDENTIALS, TEST_REGION } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';
import { parseStack } from '../../src/index.js';
import { seedExample } from './emulator.js';

const BASE = 'name: seed\ncluster:\n  name: seed\n  region: ap-northeast-1\n  kubernetesVersion: "1.35"\n';
/** The stack file with the eu-west-1 certificate. */
export const before = parseStack(
  `${BASE}certificates:\n  - domainName: bar.foo.example.com\n    region: eu-west-1\n`,
  'eks-kit.yaml',
);
/** The same file without it. */
export const after = parseStack(BASE, 'eks-kit.yaml');
/** The same file with the certificate moved to us-east-1 (plan, apply and check across regions). */
export const moved = parseStack(
  `${BASE}certificates:\n  - domainName: bar.foo.example.com\n    region: us-east-1\n`,
  'eks-kit.yaml',
);
/** The file with the certificate in the cluster's region (ap-northeast-1). */
export const inClusterRegion = parseStack(
  `${BASE}certificates:\n  - domainName: bar.foo.example.com\n`,
  'eks-kit.yaml',
);

type Route53 = { zones: Map<string, { records: Array<{ name: string; type: string }> }> };

/** The emulator's validation CNAMEs of bar.foo.example.com, in every zone. */
export const barValidationRecords = (emu: Emulator) =>
  [...(emu.state.route53 as Route53).zones.values()]
    .flatMap((z) => z.records)
    .filter((r) => r.type === 'CNAME' && r.name.endsWith('bar.foo.example.com.'));

/** `service:operation` of every mutating call the emulator logged. */
export const mutatingCalls = (emu: Emulator): string[] =>
  emu.calls({ mutating: true }).map((c) => `${c.service}:${c.operation}`);

type Acm = { certificates: Map<string, { domainName: string; region: string }> };

/** The emulator's certificates, each `region domainName`, sorted. */
export const certificateList = (emu: Emulator): string[] =>
  [...(emu.state.acm as Acm).certificates.values()].map((c) => `${c.region} ${c.domainName}`).sort();

/** The access key of an identity whose ec2:DescribeRegions is refused ({@link withNoRegionsIdentity}). */
export const NO_REGIONS = 'AKIDNODESCRIBEREGIONS';

/**
 * The seed example's world with these ACM certificates (besides the stack's) and the identity
 * {@link NO_REGIONS}: a user denied ec2:DescribeRegions.
 */
export function certificatesWorld(certificates: Array<Record<string, unknown>>): World {
  const seed = seedExample().world;
  return {
    ...seed,
    identities: {
      ...(seed.identities ?? {}),
      [NO_REGIONS]: { arn: `arn:aws:iam::${seed.accountId}:user/no-regions`, deny: ['ec2:DescribeRegions'] },
    },
    acm: { certificates },
  };
}

/** Clients signed as {@link NO_REGIONS} (destroy them after use). */
export const noRegionsClients = (emu: Emulator): Promise<AwsClients> =>
  createClients({
    region: TEST_REGION,
    endpoint: emu.url,
    credentials: { ...TEST_CREDENTIALS, accessKeyId: NO_REGIONS },
    maxAttempts: 2,
  });
