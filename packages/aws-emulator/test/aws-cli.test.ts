/**
 * Conformance: the aws CLI v2 (botocore's own parsers, not SDK v3) against the emulator.
 * The CLI lives at /usr/bin/aws (Debian package `awscli`, installed by .ci/run); an aws CLI v1 may
 * come first on PATH via pyenv, so the path is explicit and `--version` must say aws-cli/2.
 * Without it the suite is skipped with a visible reason locally, and fails when CI=true.
 *
 * TODO(owner): extend CASES below for your service (one CLI call each: they cost ~1 s apiece).
 *   - autoscaling (query): describe-auto-scaling-groups with a tag filter        (asg owner)
 *   - acm (json): request-certificate / describe-certificate ResourceRecord       (acm owner)
 *   - route53 (restXml): change-resource-record-sets + list-resource-record-sets  (route53 owner)
 *   - ecr (json): get-authorization-token / create-repository                      (ecr owner)
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { startTestEmulator } from './helpers.js';

const AWS = '/usr/bin/aws';
const run = promisify(execFile);

async function cliVersion(): Promise<string | undefined> {
  if (!existsSync(AWS)) return undefined;
  try {
    const { stdout, stderr } = await run(AWS, ['--version']);
    return `${stdout}${stderr}`.trim();
  } catch {
    return undefined;
  }
}

const version = await cliVersion();
const available = version?.startsWith('aws-cli/2.') === true;
const reason = version
  ? `${AWS} is ${version}, not aws-cli/2`
  : `${AWS} not found (apt-get install -y awscli)`;
if (!available) {
  if (process.env.CI === 'true') throw new Error(`aws CLI v2 conformance cannot run in CI: ${reason}`);
  process.stderr.write(`aws-cli conformance SKIPPED: ${reason}\n`);
}

const ACCOUNT = '210987654321';
const TRUST = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    },
  ],
};

const READ_ACM = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'acm:DescribeCertificate', Resource: '*' }],
};

const DNS_ACCOUNT = '444455556666';
const trustOf = (principal: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }],
});

describe.skipIf(!available)(`aws CLI v2 against the emulator (${available ? version : reason})`, () => {
  let emu: Emulator;
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'emu-awscli-'));
    emu = await startTestEmulator({
      seed: {
        accountId: ACCOUNT,
        iam: {
          roles: [
            { name: 'seed-a', tags: { 'eks-kit:stack': 'cli' }, inlinePolicies: { read: READ_ACM } },
            { name: 'seed-b' },
          ],
        },
        route53: { hostedZones: [{ name: 'example.com' }] },
        // A second account: its role trusts this one (cross-account AssumeRole, issue 18).
        accounts: {
          [DNS_ACCOUNT]: {
            iam: {
              roles: [
                { name: 'dns', assumeRolePolicyDocument: trustOf(`arn:aws:iam::${ACCOUNT}:root`) },
                { name: 'closed', assumeRolePolicyDocument: trustOf('arn:aws:iam::999999999999:root') },
              ],
            },
          },
        },
        // Issue 16's deletion refusals (kept out of the default region's listings the other cases read).
        ecr: { repositories: [{ name: 'full', region: 'eu-west-1', imageTags: ['v1'] }] },
        acm: {
          certificates: [
            {
              arn: `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/in-use`,
              domainName: 'used.example.com',
              inUseBy: [`arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:loadbalancer/app/x/1`],
            },
          ],
        },
        // Issue 21: the checks' run bucket (S3 restXml, path-style).
        s3: { buckets: ['cli-runs'] },
        eks: {
          clusters: [
            {
              name: 'prod',
              version: '1.35',
              oidcIssuer: 'https://oidc.eks.ap-northeast-1.amazonaws.com/id/ABC',
            },
          ],
        },
      },
    });
  });
  afterAll(() => emu?.stop());

  /** Runs one CLI command and parses its JSON output. */
  async function aws(...args: string[]): Promise<Record<string, unknown>> {
    return awsAs({}, ...args);
  }

  /** The same with some environment overridden (e.g. assumed-role credentials). */
  async function awsAs(extra: Record<string, string>, ...args: string[]): Promise<Record<string, unknown>> {
    const { stdout } = await run(AWS, [...args, '--endpoint-url', emu.url, '--output', 'json'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        AWS_ACCESS_KEY_ID: 'AKIDCLI',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_DEFAULT_REGION: 'ap-northeast-1',
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_PAGER: '',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_MAX_ATTEMPTS: '1',
        ...extra,
      },
      timeout: 60_000,
    });
    return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
  }

  it('sts get-caller-identity (awsQuery)', async () => {
    expect(await aws('sts', 'get-caller-identity')).toMatchObject({
      Account: ACCOUNT,
      Arn: `arn:aws:iam::${ACCOUNT}:user/emulator`,
    });
  });

  it('sts assume-role across accounts: the session acts in the other account; a role whose trust does not name us is AccessDenied', async () => {
    const out = await aws(
      'sts',
      'assume-role',
      '--role-arn',
      `arn:aws:iam::${DNS_ACCOUNT}:role/dns`,
      '--role-session-name',
      'cli',
    );
    const creds = out.Credentials as Record<string, string>;
    expect(creds.AccessKeyId).toMatch(/^ASIA/);
    const me = await awsAs(
      {
        AWS_ACCESS_KEY_ID: creds.AccessKeyId as string,
        AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey as string,
        AWS_SESSION_TOKEN: creds.SessionToken as string,
      },
      'sts',
      'get-caller-identity',
    );
    expect(me).toMatchObject({
      Account: DNS_ACCOUNT,
      Arn: `arn:aws:sts::${DNS_ACCOUNT}:assumed-role/dns/cli`,
    });
    const err = await aws(
      'sts',
      'assume-role',
      '--role-arn',
      `arn:aws:iam::${DNS_ACCOUNT}:role/closed`,
      '--role-session-name',
      'cli',
    ).catch((e: { stderr: string }) => e);
    expect((err as { stderr: string }).stderr).toContain(
      '(AccessDenied) when calling the AssumeRole operation',
    );
  });

  it('iam create-role then get-role: the CLI decodes the URL-encoded trust policy', async () => {
    const created = await aws(
      'iam',
      'create-role',
      '--role-name',
      'cli-role',
      '--assume-role-policy-document',
      JSON.stringify(TRUST),
    );
    expect((created.Role as Record<string, unknown>).Arn).toBe(`arn:aws:iam::${ACCOUNT}:role/cli-role`);
    const got = await aws('iam', 'get-role', '--role-name', 'cli-role');
    expect((got.Role as Record<string, unknown>).AssumeRolePolicyDocument).toEqual(TRUST);
  });

  it('iam list-roles follows Marker across pages (--page-size 1)', async () => {
    emu.resetCalls();
    const out = await aws('iam', 'list-roles', '--page-size', '1');
    expect((out.Roles as Array<{ RoleName: string }>).map((r) => r.RoleName)).toEqual([
      'cli-role',
      'seed-a',
      'seed-b',
    ]);
    const calls = emu.calls({ service: 'iam', operation: 'ListRoles' });
    expect(calls).toHaveLength(3);
    expect(calls[1]?.input.Marker).toBeTypeOf('string');
  });

  it('iam get-account-authorization-details --filter Role pages by Marker; tags, and documents the CLI decodes (issue 21)', async () => {
    emu.resetCalls();
    const out = await aws('iam', 'get-account-authorization-details', '--filter', 'Role', '--page-size', '1');
    const roles = out.RoleDetailList as Array<Record<string, unknown>>;
    expect(roles.map((r) => r.RoleName)).toEqual(['cli-role', 'seed-a', 'seed-b']);
    const seedA = roles[1] as { Tags: unknown; RolePolicyList: unknown; AssumeRolePolicyDocument: unknown };
    expect(seedA.Tags).toEqual([{ Key: 'eks-kit:stack', Value: 'cli' }]);
    // botocore decodes the URL-encoded documents of this operation back into JSON.
    expect(seedA.RolePolicyList).toEqual([{ PolicyName: 'read', PolicyDocument: READ_ACM }]);
    expect((roles[0] as { AssumeRolePolicyDocument: unknown }).AssumeRolePolicyDocument).toEqual(TRUST);
    const calls = emu.calls({ service: 'iam', operation: 'GetAccountAuthorizationDetails' });
    expect(calls).toHaveLength(3);
    expect(calls[1]?.input.Marker).toBeTypeOf('string');
  });

  it('eks describe-cluster (restJson1)', async () => {
    const out = await aws('eks', 'describe-cluster', '--name', 'prod');
    expect(out.cluster).toMatchObject({ name: 'prod', version: '1.35' });
  });

  it('route53 list-hosted-zones-by-name (restXml)', async () => {
    const out = await aws('route53', 'list-hosted-zones-by-name', '--dns-name', 'example.com');
    expect((out.HostedZones as Array<{ Name: string }>)[0]?.Name).toBe('example.com.');
  });

  it('ecr describe-repositories (awsJson1_1) and an error the CLI reports with its code', async () => {
    const out = await aws('ecr', 'describe-repositories');
    expect(out.repositories).toEqual([]);
    const err = await aws('ecr', 'describe-repositories', '--repository-names', 'missing').catch(
      (e: { stderr: string }) => e,
    );
    expect((err as { stderr: string }).stderr).toContain('RepositoryNotFoundException');
  });

  it('resourcegroupstaggingapi get-resources (awsJson1_1): a tagged repository, the empty last token', async () => {
    await aws(
      'ecr',
      'create-repository',
      '--repository-name',
      'tagged/app',
      '--tags',
      'Key=eks-kit:stack,Value=cli',
    );
    const out = await aws(
      'resourcegroupstaggingapi',
      'get-resources',
      '--tag-filters',
      'Key=eks-kit:stack,Values=cli',
      '--resource-type-filters',
      'ecr:repository',
      // The raw page: without it the CLI follows the token itself and drops it from its output.
      '--no-paginate',
    );
    expect(out.ResourceTagMappingList).toEqual([
      {
        ResourceARN: expect.stringMatching(/^arn:aws:ecr:[a-z0-9-]+:\d{12}:repository\/tagged\/app$/),
        Tags: [{ Key: 'eks-kit:stack', Value: 'cli' }],
      },
    ]);
    expect(out.PaginationToken).toBe('');
    await aws('ecr', 'delete-repository', '--repository-name', 'tagged/app');
  });

  it('deletion refusals as AWS answers them: DeleteConflict, RepositoryNotEmptyException, ResourceInUseException', async () => {
    const stderr = (e: unknown): string => (e as { stderr: string }).stderr;
    await aws(
      'iam',
      'put-role-policy',
      '--role-name',
      'seed-b',
      '--policy-name',
      'p',
      '--policy-document',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeImages', Resource: '*' }],
      }),
    );
    expect(
      stderr(await aws('iam', 'delete-role', '--role-name', 'seed-b').catch((e: unknown) => e)),
    ).toContain('DeleteConflict');
    expect(
      stderr(
        await aws('ecr', 'delete-repository', '--repository-name', 'full', '--region', 'eu-west-1').catch(
          (e: unknown) => e,
        ),
      ),
    ).toContain('RepositoryNotEmptyException');
    await aws('ecr', 'delete-repository', '--repository-name', 'full', '--force', '--region', 'eu-west-1');
    expect(
      stderr(
        await aws(
          'acm',
          'delete-certificate',
          '--certificate-arn',
          `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/in-use`,
          '--region',
          'eu-west-1',
        ).catch((e: unknown) => e),
      ),
    ).toContain('ResourceInUseException');
  });

  it('ec2 describe-instance-types (EC2 query)', async () => {
    const out = await aws('ec2', 'describe-instance-types', '--instance-types', 'm5.large');
    expect((out.InstanceTypes as Array<Record<string, unknown>>)[0]).toMatchObject({
      InstanceType: 'm5.large',
      VCpuInfo: expect.objectContaining({ DefaultVCpus: 2 }),
    });
  });

  it('s3api put-object / get-object / list-objects-v2 (restXml, path-style; the CLI asks for url-encoded keys)', async () => {
    const file = join(home, 'batch 1.json');
    writeFileSync(file, '[{"targets":[]}]');
    const put = await aws(
      's3api',
      'put-object',
      '--bucket',
      'cli-runs',
      '--key',
      'runs/r 1/batches.json',
      '--body',
      file,
    );
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const out = join(home, 'got.json');
    const got = await aws(
      's3api',
      'get-object',
      '--bucket',
      'cli-runs',
      '--key',
      'runs/r 1/batches.json',
      out,
    );
    expect(got).toMatchObject({ ContentLength: 16, ETag: put.ETag });
    expect(readFileSync(out, 'utf8')).toBe('[{"targets":[]}]');
    const listed = await aws('s3api', 'list-objects-v2', '--bucket', 'cli-runs', '--prefix', 'runs/');
    expect((listed.Contents as Array<{ Key: string; Size: number }>).map((c) => [c.Key, c.Size])).toEqual([
      ['runs/r 1/batches.json', 16],
    ]);
    const missing = String(
      await aws('s3api', 'get-object', '--bucket', 'cli-runs', '--key', 'nope', out).catch(
        (e: { stderr?: string }) => e.stderr,
      ),
    );
    expect(missing).toContain('NoSuchKey');
  });
});
