/**
 * The checks Lambda's permission list covers every call its checks make. The handler runs against the
 * emulator (the seed account converged by `apply`, then the cross-account example whose zone sits in a
 * DNS account); each call in the emulator's call log is mapped to its IAM action and resource, and the
 * emulator's IAM policy simulation (SimulatePrincipalPolicy) must allow it under the generated policy:
 * `checksExecutionPolicy(stack)` for the calls in the Lambda's account, `dnsRolePolicy()` for the calls
 * made through the DNS role. Runtime calls the deploy template grants beside the read policy (the state
 * and stack parameters, the SNS notice) and sts:GetCallerIdentity (no permission needed) are left out.
 * A call this file cannot map to a resource fails the test, so a new read cannot slip through unmapped.
 */
import { readFileSync } from 'node:fs';
import {
  CreateRoleCommand,
  type IAMClient,
  PutRolePolicyCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { dnsRolePolicy } from '@eks-kit/acm-dns-validation';
import { type CallRecord, type Emulator, startEmulator, type World } from '@eks-kit/aws-emulator';
import { type AwsClients, createClients } from '@eks-kit/core';
import { servicePrincipalTrustPolicy } from '@eks-kit/iam-policies';
import { parseStack, type Stack } from '@eks-kit/stack';
import { afterEach, describe, expect, it } from 'vitest';
import { checksExecutionPolicy, createChecksHandler } from '../src/index.js';
import { captureOutput } from './fixtures/capture-output.js';
import { convergeStack } from './fixtures/converge.js';
import { fixtureStack, fixtureText } from './fixtures/stack-files.js';
import { ACCOUNT, fixtureWorld, REGION } from './fixtures/world.js';

const context = { getRemainingTimeInMillis: () => 300_000, awsRequestId: 'test' };

/** Runtime calls granted by the deploy template's runtime policy, not by the read policy. */
const RUNTIME_ACTIONS = new Set(['ssm:GetParameter', 'ssm:PutParameter', 'sns:Publish']);
/** Needs no IAM permission (AWS STS documentation: GetCallerIdentity). */
const NO_PERMISSION = new Set(['sts:GetCallerIdentity']);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The resource ARN an IAM policy is evaluated against for one call, from the key inputs the emulator
 * logs; `*` for the actions that support no resource-level permission (or list every resource).
 */
function resourceOf(call: CallRecord, account: string, region: string): string | undefined {
  const input = call.input;
  const action = actionOf(call);
  switch (call.service) {
    // The Resource Groups Tagging API's reads have no resource type (issue 21's repository and
    // certificate scans).
    case 'tagging':
      return '*';
    case 'iam': {
      const role = str(input.RoleName);
      if (role) return `arn:aws:iam::${account}:role/${role}`;
      const arn = str(input.PolicyArn) ?? str(input.OpenIDConnectProviderArn);
      if (arn) return arn;
      if (/^iam:List(Roles|Policies|OpenIDConnectProviders)$/.test(action)) return '*';
      // No resource type: the whole account's authorization details (issue 21's role scan).
      if (action === 'iam:GetAccountAuthorizationDetails') return '*';
      return undefined;
    }
    case 'eks': {
      const cluster = str(input.clusterName) ?? str(input.name);
      if (!cluster) return undefined;
      const addon = str(input.addonName);
      if (addon)
        return `arn:aws:eks:${region}:${account}:addon/${cluster}/${addon}/00000000-0000-0000-0000-000000000000`;
      const nodegroup = str(input.nodegroupName);
      if (nodegroup)
        return `arn:aws:eks:${region}:${account}:nodegroup/${cluster}/${nodegroup}/00000000-0000-0000-0000-000000000000`;
      return `arn:aws:eks:${region}:${account}:cluster/${cluster}`;
    }
    case 'ecr': {
      const names = [
        input.repositoryName,
        ...(Array.isArray(input.repositoryNames) ? input.repositoryNames : []),
      ]
        .map(str)
        .filter((n): n is string => n !== undefined);
      if (names.length === 1) return `arn:aws:ecr:${region}:${account}:repository/${names[0]}`;
      const arn = str(input.resourceArn);
      if (arn) return arn;
      // Listing every repository is authorized on all the registry's repositories, `repository/*`.
      if (names.length === 0 && action === 'ecr:DescribeRepositories')
        return `arn:aws:ecr:${region}:${account}:repository/*`;
      // A registry-level action: no resource type (Service Authorization Reference, ECR).
      if (action === 'ecr:GetRegistryScanningConfiguration') return '*';
      return undefined;
    }
    case 'acm':
      return str(input.CertificateArn) ?? (action === 'acm:ListCertificates' ? '*' : undefined);
    case 'route53': {
      const zone = (str(input.HostedZoneId) ?? str(input.Id))?.replace(/^\/?hostedzone\//, '');
      if (zone) return `arn:aws:route53:::hostedzone/${zone}`;
      const change = str(input.Id);
      if (change) return `arn:aws:route53:::change/${change}`;
      return /^route53:List/.test(action) ? '*' : undefined;
    }
    case 'sts':
      return str(input.RoleArn);
    case 'autoscaling':
    case 'ec2':
      // Describe* of Auto Scaling and EC2 support no resource-level permission.
      return /^(autoscaling|ec2):Describe/.test(action) ? '*' : undefined;
    default:
      return undefined;
  }
}

/** A role holding `policy` as its only inline policy, for the simulator. */
async function probeRole(iam: IAMClient, name: string, policy: object): Promise<string> {
  const created = await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify(servicePrincipalTrustPolicy('lambda.amazonaws.com')),
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: name,
      PolicyName: 'under-test',
      PolicyDocument: JSON.stringify(policy),
    }),
  );
  return created.Role?.Arn as string;
}

/** The IAM action of a logged call: the service's signing name, except the Tagging API's (`tag`). */
function actionOf(call: CallRecord): string {
  return `${call.service === 'tagging' ? 'tag' : call.service}:${call.operation}`;
}

/** Each distinct (action, resource) the calls need, or the calls that could not be mapped. */
function needs(calls: readonly CallRecord[], account: string, region: string) {
  const pairs = new Map<string, { action: string; resource: string }>();
  const unmapped: string[] = [];
  for (const call of calls) {
    const action = actionOf(call);
    if (RUNTIME_ACTIONS.has(action) || NO_PERMISSION.has(action)) continue;
    const resource = resourceOf(call, account, region);
    if (resource === undefined) unmapped.push(`${action} ${JSON.stringify(call.input)}`);
    else pairs.set(`${action} ${resource}`, { action, resource });
  }
  return { pairs: [...pairs.values()], unmapped };
}

/** The simulator's decision for each pair under the probe role: `action resource -> decision`. */
async function decisions(
  iam: IAMClient,
  roleArn: string,
  pairs: readonly { action: string; resource: string }[],
) {
  const out: string[] = [];
  for (const { action, resource } of pairs) {
    const result = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: roleArn,
        ActionNames: [action],
        ResourceArns: [resource],
      }),
    );
    out.push(`${action} ${resource} -> ${result.EvaluationResults?.[0]?.EvalDecision}`);
  }
  return out;
}

const allowedLines = (pairs: readonly { action: string; resource: string }[]) =>
  pairs.map(({ action, resource }) => `${action} ${resource} -> allowed`);

let emu: Emulator | undefined;
let clients: AwsClients | undefined;
afterEach(async () => {
  clients?.destroy();
  await emu?.stop();
  emu = undefined;
  clients = undefined;
});

/** An emulator seeded with `world`, and clients signing with `accessKeyId` (closed after each test). */
async function startWorld(world: World, accessKeyId: string): Promise<{ e: Emulator; admin: AwsClients }> {
  const e = await startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed: world });
  emu = e;
  const admin = await createClients({
    region: world.region ?? REGION,
    endpoint: e.url,
    credentials: { accessKeyId, secretAccessKey: 'secret' },
    maxAttempts: 3,
  });
  clients = admin;
  return { e, admin };
}

describe('the checks Lambda permission list covers every call of its checks (emulator call log + IAM simulation)', () => {
  // Issue 21: past 10 roles to read, the orphan scan reads their tags with GetAccountAuthorizationDetails;
  // past one repository or certificate the file does not name, with the Tagging API's GetResources.
  it.each([
    ['few roles: one ListRoleTags per role', 0, ['iam:ListRoleTags']],
    [
      '40 hand-made roles, 5 repositories, 5 certificates: GetAccountAuthorizationDetails, GetResources',
      40,
      ['iam:GetAccountAuthorizationDetails', 'tag:GetResources'],
    ],
  ] as const)('on the seed account, converged by apply (%s)', async (_name, extra, scanActions) => {
    const stack: Stack = fixtureStack();
    const world = fixtureWorld();
    world.iam?.roles?.push(
      ...Array.from({ length: extra }, (_, i) => ({ name: `hand-made-${i}`, tags: { team: 'a' } })),
    );
    if (extra > 0) {
      world.ecr = {
        ...(world.ecr ?? {}),
        repositories: [
          ...(world.ecr?.repositories ?? []),
          ...Array.from({ length: 5 }, (_, i) => ({ name: `team/hand-made-${i}` })),
        ],
      };
      world.acm = {
        ...(world.acm ?? {}),
        certificates: [
          ...(world.acm?.certificates ?? []),
          ...Array.from({ length: 5 }, (_, i) => ({ domainName: `hand-made-${i}.example.org` })),
        ],
      };
    }
    const { e, admin } = await startWorld(world, 'AKIDEXAMPLE');
    await convergeStack(admin, stack);
    e.resetCalls();
    const handler = createChecksHandler({
      env: { EKS_KIT_STACK: fixtureText(), AWS_REGION: REGION, AWS_ENDPOINT_URL: e.url },
      clientOptions: {
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
        maxAttempts: 3,
      },
    });
    const { result } = await captureOutput(() => handler({ 'detail-type': 'Scheduled Event' }, context));
    expect(result.checkErrors).toBe(0);
    const calls = e.calls();
    expect(calls.filter((c) => c.mutating)).toEqual([]);

    const { pairs, unmapped } = needs(calls, ACCOUNT, REGION);
    expect(unmapped).toEqual([]);
    // Every service the checks read is in the log: the comparison below is not vacuous.
    expect(new Set(pairs.map((p) => p.action.split(':')[0]))).toEqual(
      new Set(['acm', 'autoscaling', 'ecr', 'eks', 'iam', 'route53', ...(extra > 0 ? ['tag'] : [])]),
    );
    for (const scanAction of scanActions) expect(pairs.map((p) => p.action)).toContain(scanAction);
    const iam = await admin.iam();
    const role = await probeRole(
      iam,
      'probe-checks-read',
      checksExecutionPolicy(stack, { accountId: ACCOUNT }),
    );
    expect(await decisions(iam, role, pairs)).toEqual(allowedLines(pairs));

    // Control: the same simulation denies what the policy does not grant.
    expect(
      await decisions(iam, role, [
        {
          action: 'iam:PutRolePolicy',
          resource: `arn:aws:iam::${ACCOUNT}:role/lambda-test-cluster-autoscaler`,
        },
        { action: 'iam:GetRole', resource: `arn:aws:iam::${ACCOUNT}:role/someone-else` },
      ]),
    ).toEqual([
      `iam:PutRolePolicy arn:aws:iam::${ACCOUNT}:role/lambda-test-cluster-autoscaler -> implicitDeny`,
      `iam:GetRole arn:aws:iam::${ACCOUNT}:role/someone-else -> implicitDeny`,
    ]);
  });

  it('on the cross-account example: the workload account under the read policy, the DNS account under the DNS role policy', async () => {
    const root = new URL('../../../examples/cross-account/', import.meta.url);
    const stackText = readFileSync(new URL('eks-kit.yaml', root), 'utf8');
    const stack = parseStack(stackText);
    const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
    const { e, admin } = await startWorld(world, 'AKIDWORKLOAD');
    const workload = '111111111111';
    const region = stack.cluster.region;
    const handler = createChecksHandler({
      env: { EKS_KIT_STACK: stackText, AWS_REGION: region, AWS_ENDPOINT_URL: e.url },
      clientOptions: {
        credentials: { accessKeyId: 'AKIDWORKLOAD', secretAccessKey: 'secret' },
        maxAttempts: 3,
      },
    });
    const { result } = await captureOutput(() => handler({ 'detail-type': 'Scheduled Event' }, context));
    expect(result.checkErrors).toBe(0);
    const calls = e.calls();
    const home = needs(
      calls.filter((c) => c.account === workload),
      workload,
      region,
    );
    const dns = needs(
      calls.filter((c) => c.account === '222222222222'),
      '222222222222',
      region,
    );
    expect([...home.unmapped, ...dns.unmapped]).toEqual([]);
    expect(home.pairs.map((p) => p.action)).toContain('sts:AssumeRole');
    expect(dns.pairs.map((p) => p.action)).toContain('route53:GetHostedZone');

    const iam = await admin.iam();
    const readRole = await probeRole(
      iam,
      'probe-checks-read',
      checksExecutionPolicy(stack, { accountId: workload }),
    );
    expect(await decisions(iam, readRole, home.pairs)).toEqual(allowedLines(home.pairs));
    const dnsRole = await probeRole(iam, 'probe-dns-role', dnsRolePolicy());
    expect(await decisions(iam, dnsRole, dns.pairs)).toEqual(allowedLines(dns.pairs));
  });
});
