/**
 * Bad-input corpus, libraries: every case is refused with InvalidInputError naming the field,
 * before any AWS call (the emulator's call log stays empty). One case per row.
 */
import { ensureCertificate } from '@eks-kit/acm-dns-validation';
import { ensureAutoDiscoveryTags, ensureClusterAutoscalerRole } from '@eks-kit/asg-discovery';
import type { Emulator } from '@eks-kit/aws-emulator';
import { type AwsClients, createClients, EXIT_CODES, InvalidInputError } from '@eks-kit/core';
import { ensureRepository, ensureRunnerRole, getDockerAuth } from '@eks-kit/ecr-credentials';
import { ensureManagedPolicy, ensureRole } from '@eks-kit/iam-policies';
import { applyStack, parseStack } from '@eks-kit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, emulatorClients, REGION, startTestEmulator } from './support/emulator.js';
import { LeakScanner } from './support/leak-scanner.js';
import { baseWorld, ISSUER, seedStack } from './support/targets.js';

/** One refused input: what is called, and the field the error must name. */
export interface BadInputCase {
  name: string;
  field: string;
  call: (clients: AwsClients) => Promise<unknown>;
}

const trust = {
  Version: '2012-10-17' as const,
  Statement: [
    { Effect: 'Allow' as const, Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
};
const readPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
};
// biome-ignore lint/suspicious/noExplicitAny: the corpus passes values the types forbid, as JavaScript callers can
const any = (value: unknown): any => value;
const seed = seedStack();

export const LIBRARY_CASES: BadInputCase[] = [
  // core
  {
    name: 'createClients: region not in AWS form (eu_west_1)',
    field: 'region',
    call: () => createClients({ region: 'eu_west_1', credentials: CREDENTIALS }),
  },
  {
    name: 'createClients: maxAttempts 0',
    field: 'maxAttempts',
    call: () => createClients({ region: REGION, credentials: CREDENTIALS, maxAttempts: 0 }),
  },
  // iam-policies
  {
    name: 'ensureRole: role name with a space',
    field: 'name',
    call: (c) => ensureRole(c, { name: 'my role', trust }),
  },
  {
    name: 'ensureRole: role name of 65 characters',
    field: 'name',
    call: (c) => ensureRole(c, { name: 'r'.repeat(65), trust }),
  },
  {
    name: 'ensureRole: trust with Principal "*"',
    field: 'trust',
    call: (c) =>
      ensureRole(c, {
        name: 'open',
        trust: any({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }],
        }),
      }),
  },
  {
    name: 'ensureRole: inline policy with an action that does not exist (ec2:DescribeInstance)',
    field: 'inlinePolicies.read',
    call: (c) =>
      ensureRole(c, {
        name: 'typo',
        trust,
        inlinePolicies: {
          read: any({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeInstance', Resource: '*' }],
          }),
        },
      }),
  },
  {
    name: 'ensureRole: maxSessionDuration below 3600',
    field: 'maxSessionDuration',
    call: (c) => ensureRole(c, { name: 'short', trust, maxSessionDuration: 100 }),
  },
  {
    name: 'ensureRole: managed policy ARN that is an S3 ARN',
    field: 'managedPolicyArns[0]',
    call: (c) => ensureRole(c, { name: 'attach', trust, managedPolicyArns: ['arn:aws:s3:::bucket'] }),
  },
  {
    name: 'ensureRole: tag key with the reserved aws: prefix',
    field: 'tags',
    call: (c) => ensureRole(c, { name: 'tagged', trust, tags: { 'aws:owner': 'me' } }),
  },
  {
    name: 'ensureManagedPolicy: empty name',
    field: 'name',
    call: (c) => ensureManagedPolicy(c, { name: '', document: any(readPolicy) }),
  },
  {
    name: 'ensureManagedPolicy: identity policy with a Principal',
    field: 'document',
    call: (c) =>
      ensureManagedPolicy(c, {
        name: 'p',
        document: any({
          ...readPolicy,
          Statement: [{ ...readPolicy.Statement[0], Principal: { AWS: '123456789012' } }],
        }),
      }),
  },
  {
    name: 'ensureManagedPolicy: path without slashes',
    field: 'path',
    call: (c) => ensureManagedPolicy(c, { name: 'p', path: 'team', document: any(readPolicy) }),
  },
  // asg-discovery
  {
    name: 'ensureAutoDiscoveryTags: cluster name with a space',
    field: 'cluster',
    call: (c) => ensureAutoDiscoveryTags(c, { cluster: 'my cluster' }),
  },
  {
    name: 'ensureAutoDiscoveryTags: empty list of group names',
    field: 'select.names',
    call: (c) => ensureAutoDiscoveryTags(c, { cluster: 'rel', select: { names: [] } }),
  },
  {
    name: 'ensureAutoDiscoveryTags: two selectors at once',
    field: 'select',
    call: (c) =>
      ensureAutoDiscoveryTags(c, { cluster: 'rel', select: any({ names: ['a'], namePrefix: 'b' }) }),
  },
  {
    name: 'ensureAutoDiscoveryTags: node-template taint with an unknown effect',
    field: 'nodeTemplates.rel-workers-00',
    call: (c) =>
      ensureAutoDiscoveryTags(c, {
        cluster: 'rel',
        select: { names: ['rel-workers-00'] },
        nodeTemplates: { 'rel-workers-00': { taints: { dedicated: 'gpu:Sometimes' } } },
      }),
  },
  {
    name: 'ensureClusterAutoscalerRole: unknown identity mode',
    field: 'identity',
    call: (c) => ensureClusterAutoscalerRole(c, { cluster: 'rel', identity: any('kiam2') }),
  },
  {
    name: 'ensureClusterAutoscalerRole: kube2iam node role that is not an ARN',
    field: 'identity.kube2iam.nodeRoleArns[0]',
    call: (c) =>
      ensureClusterAutoscalerRole(c, {
        cluster: 'rel',
        identity: { kube2iam: { nodeRoleArns: ['node-role'] } },
      }),
  },
  {
    name: 'ensureClusterAutoscalerRole: namespace with upper case and underscore',
    field: 'namespace',
    call: (c) =>
      ensureClusterAutoscalerRole(c, { cluster: 'rel', identity: 'irsa', namespace: 'Kube_System' }),
  },
  {
    name: 'ensureClusterAutoscalerRole: minimal scope with no group ARN',
    field: 'scope.asgArns',
    call: (c) => ensureClusterAutoscalerRole(c, { cluster: 'rel', identity: 'irsa', scope: { asgArns: [] } }),
  },
  // acm-dns-validation
  {
    name: 'ensureCertificate: empty label (foo..example.com)',
    field: 'domainName',
    call: (c) => ensureCertificate(c, { domainName: 'foo..rel.example.com' }),
  },
  {
    name: 'ensureCertificate: wildcard not in the first label',
    field: 'domainName',
    call: (c) => ensureCertificate(c, { domainName: 'foo.*.rel.example.com' }),
  },
  {
    name: 'ensureCertificate: domain name longer than 64 octets',
    field: 'domainName',
    call: (c) => ensureCertificate(c, { domainName: `${'a'.repeat(50)}.sub.rel.example.com` }),
  },
  {
    name: 'ensureCertificate: key algorithm ACM cannot request (RSA_4096)',
    field: 'keyAlgorithm',
    call: (c) => ensureCertificate(c, { domainName: 'rel.example.com', keyAlgorithm: any('RSA_4096') }),
  },
  {
    name: 'ensureCertificate: 11 names over the default quota of 10',
    field: 'subjectAlternativeNames',
    call: (c) =>
      ensureCertificate(c, {
        domainName: 'rel.example.com',
        subjectAlternativeNames: Array.from({ length: 10 }, (_, i) => `s${i}.rel.example.com`),
      }),
  },
  {
    name: 'ensureCertificate: CloudFront certificate outside us-east-1',
    field: 'region',
    call: (c) =>
      ensureCertificate(c, { domainName: 'rel.example.com', cloudFront: true, region: 'eu-west-1' }),
  },
  {
    name: 'ensureCertificate: hosted zone id with invalid characters',
    field: 'zones',
    call: (c) =>
      ensureCertificate(c, { domainName: 'rel.example.com', zones: { 'rel.example.com': 'not a zone!' } }),
  },
  // ecr-credentials
  {
    name: 'ensureRepository: upper-case repository name',
    field: 'name',
    call: (c) => ensureRepository(c, { name: 'Team/App' }),
  },
  {
    name: 'ensureRepository: unknown tag mutability',
    field: 'tagMutability',
    call: (c) => ensureRepository(c, { name: 'team/app', tagMutability: any('SOMETIMES') }),
  },
  {
    name: 'ensureRepository: region not in AWS form (EU West 1)',
    field: 'region',
    call: (c) => ensureRepository(c, { name: 'team/app', region: 'EU West 1' }),
  },
  {
    name: 'ensureRunnerRole: namespace with an underscore',
    field: 'namespace',
    call: (c) =>
      ensureRunnerRole(c, {
        cluster: 'rel',
        namespace: 'gitlab_runner',
        serviceAccount: 'build',
        repositories: ['a/b'],
        roleName: 'r',
      }),
  },
  {
    name: 'ensureRunnerRole: no repository',
    field: 'repositories',
    call: (c) =>
      ensureRunnerRole(c, {
        cluster: 'rel',
        namespace: 'gitlab-runner',
        serviceAccount: 'build',
        repositories: [],
        roleName: 'r',
      }),
  },
  {
    name: 'ensureRunnerRole: both cluster and issuer',
    field: 'cluster',
    call: (c) =>
      ensureRunnerRole(c, {
        cluster: 'rel',
        issuer: ISSUER,
        namespace: 'gitlab-runner',
        serviceAccount: 'build',
        repositories: ['a/b'],
        roleName: 'r',
      }),
  },
  {
    name: 'getDockerAuth: registry that is not an ECR host',
    field: 'registry',
    call: (c) => getDockerAuth(c, { registry: 'registry.example.com' }),
  },
  {
    name: 'getDockerAuth: ECR Public (its tokens come from the ecr-public API)',
    field: 'registry',
    call: (c) => getDockerAuth(c, { registry: 'public.ecr.aws' }),
  },
  // stack
  {
    name: 'applyStack: neither yes nor a confirm callback',
    field: 'yes',
    call: (c) => applyStack(c, parseStack(seed.stackText), {}),
  },
  {
    name: 'parseStack: misspelt top-level key (autoscalr)',
    field: 'autoscalr',
    call: async () => parseStack(seed.stackText.replace('autoscaler:', 'autoscalr:')),
  },
  {
    name: 'parseStack: repository tag mutability SOMETIMES',
    field: 'repositories[0].tagMutability',
    call: async () =>
      parseStack(seed.stackText.replace('tagMutability: IMMUTABLE', 'tagMutability: SOMETIMES')),
  },
];

describe('bad-input corpus: libraries (refused with the field named, no AWS call)', () => {
  let emu: Emulator;
  let clients: AwsClients;
  const scanner = new LeakScanner();
  beforeAll(async () => {
    emu = await startTestEmulator(baseWorld());
    clients = await emulatorClients(emu);
  });
  afterAll(async () => {
    expect(scanner.scan([{ name: 'secret access key', value: CREDENTIALS.secretAccessKey }])).toEqual([]);
    clients.destroy();
    await emu.stop();
  });

  it('has at least 30 library cases with distinct names', () => {
    expect(LIBRARY_CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(LIBRARY_CASES.map((c) => c.name)).size).toBe(LIBRARY_CASES.length);
  });

  it.each(LIBRARY_CASES)('$name -> $field', async ({ field, call }) => {
    emu.resetCalls();
    let error: unknown;
    try {
      await call(clients);
    } catch (e) {
      error = e;
    }
    scanner.record('bad input error', error);
    expect(error, 'must be refused').toBeInstanceOf(InvalidInputError);
    const invalid = error as InvalidInputError;
    expect(`${invalid.field} | ${invalid.message}`).toContain(field);
    expect(invalid.exitCode).toBe(EXIT_CODES.invalidInput);
    expect(emu.calls(), 'no AWS call before validation').toEqual([]);
  });
});
