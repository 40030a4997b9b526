import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '@eks-kit/aws-emulator';
import { EXIT_CODES } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  cliEnv,
  runCli,
  SEED_STACK,
  SEED_TEXT,
  seedWith,
  tempDir,
  useSeedEmulator,
  writeIn,
} from './helpers.js';

// Every case: exit 64 (EXIT_CODES.invalidInput), one line on stderr naming the field, and not a single AWS call in the
// emulator's call log (input is checked before the first call).

let emu: Emulator;
const dir = tempDir('eks-kit-bad-input-');
const seed = SEED_TEXT;
useSeedEmulator((e) => {
  emu = e;
});

const base = `name: demo
cluster:
  name: demo
  region: ap-northeast-1
  kubernetesVersion: "1.35"
`;

interface Case {
  name: string;
  /** Stack file text (written to a temp file and passed with -f), or none. */
  stack?: string;
  args: string[];
  /** What stderr must match. */
  message: RegExp;
  /** Do not add the emulator's --endpoint-url (the case is about that flag). */
  ownEndpoint?: boolean;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

// Paths for the file and folder cases (issue 15): a file, a loop of symbolic links, a long name.
const paths = tempDir('eks-kit-paths-');
const aFile = writeIn(paths, 'a-file', 'not a folder\n');
symlinkSync(join(paths, 'loop-b'), join(paths, 'loop-a'));
symlinkSync(join(paths, 'loop-a'), join(paths, 'loop-b'));
const longName = join(paths, 'x'.repeat(300));
const loop = join(paths, 'loop-a');

/** Every class of path, flag and YAML-level failure of issue 15, one case each. */
const hostileCases: Case[] = [
  {
    name: '-f through a file',
    args: ['plan', '-f', join(aFile, 'x.yaml')],
    message: /^Error: -f: .*a path through something that is not a folder/,
  },
  { name: '-f a folder', args: ['plan', '-f', paths], message: /^Error: -f: .*a folder, not a file/ },
  {
    name: '-f a loop of symbolic links',
    args: ['plan', '-f', loop],
    message: /^Error: -f: .*a loop of symbolic links/,
  },
  { name: '-f a name too long', args: ['plan', '-f', longName], message: /^Error: -f: .*a path too long/ },
  { name: '-f an empty path', args: ['plan', '-f', ''], message: /^Error: -f: expected a stack file path/ },
  {
    name: '-f /dev/zero (never ends)',
    args: ['plan', '-f', '/dev/zero'],
    message: /^Error: \/dev\/zero:1: stack: expected a stack file of at most 1000000 bytes/,
  },
  {
    name: 'render --out empty',
    stack: seed,
    args: ['render', '--out', ''],
    message: /^Error: --out: expected a folder path/,
  },
  {
    name: 'render --out an existing file',
    stack: seed,
    args: ['render', '--out', aFile],
    message: /^Error: --out: .*an existing file, not a folder/,
  },
  {
    name: 'render --out through a file',
    stack: seed,
    args: ['render', '--out', join(aFile, 'deploy')],
    message: /^Error: --out: .*a path through a file/,
  },
  {
    name: 'render --out a loop',
    stack: seed,
    args: ['render', '--out', join(loop, 'deploy')],
    message: /^Error: --out: .*a loop of symbolic links/,
  },
  {
    name: 'render --out too long',
    stack: seed,
    args: ['render', '--out', join(longName, 'deploy')],
    message: /^Error: --out: .*a path too long/,
  },
  {
    name: 'render --out under /proc',
    stack: seed,
    args: ['render', '--out', '/proc/self/eks-kit/deploy'],
    message: /^Error: --out: .*under \/proc/,
  },
  {
    name: 'init -f a folder',
    args: ['init', '-f', paths],
    message: /^Error: -f: expected a file eks-kit can write \(this is a folder\)/,
  },
  {
    name: 'init -f through a file',
    args: ['init', '-f', join(aFile, 'eks-kit.yaml')],
    message: /^Error: -f: .*\(this is a path through a file\)/,
  },
  {
    name: 'autoscaler logs of a folder',
    args: ['autoscaler', 'logs', paths],
    message: /^Error: <file>: .*a folder, not a file/,
  },
  {
    name: 'autoscaler logs through a loop',
    args: ['autoscaler', 'logs', loop],
    message: /^Error: <file>: .*a loop of symbolic links/,
  },
  {
    name: 'AWS_ENDPOINT_URL not a URL',
    stack: seed,
    args: ['plan'],
    env: { AWS_ENDPOINT_URL: 'localhost:4566' },
    message: /^Error: AWS_ENDPOINT_URL: expected an http\(s\) URL/,
  },
  {
    name: 'AWS_ENDPOINT_URL_IAM not http(s)',
    stack: seed,
    args: ['plan'],
    env: { AWS_ENDPOINT_URL_IAM: 'file:///etc/passwd' },
    message: /^Error: AWS_ENDPOINT_URL_IAM: expected an http\(s\) URL/,
  },
  {
    name: '--endpoint-url with a password (never echoed)',
    stack: seed,
    args: ['plan', '--endpoint-url', 'http://u:s3cret@127.0.0.1:1'],
    ownEndpoint: true,
    message: /^Error: --endpoint-url: expected .*without user:password@, got "a URL with user information"$/,
  },
  {
    name: '--cpu Infinity',
    stack: seed,
    args: ['autoscaler', 'fit', '--cpu', '1e999'],
    message: /^Error: --cpu: expected a finite Kubernetes quantity/,
  },
  {
    name: '--memory NaN',
    stack: seed,
    args: ['autoscaler', 'fit', '--cpu', '1', '--memory', 'NaN'],
    message: /^Error: --memory: /,
  },
  {
    name: '--timeout Infinity',
    stack: seed,
    args: ['apply', '--yes', '--timeout', 'Infinity'],
    message: /^Error: --timeout: /,
  },
  {
    name: '--max-attempts Infinity',
    stack: seed,
    args: ['plan', '--max-attempts', 'Infinity'],
    message: /^Error: --max-attempts: /,
  },
  {
    name: 'plan --detailed-exitcode on an invalid stack (not 2, "changes")',
    stack: `${base}clustr: {}\n`,
    args: ['plan', '--detailed-exitcode'],
    message: /:6: clustr: /,
  },
  {
    name: 'check on an invalid stack (not 2, "failing findings")',
    stack: `${base}clustr: {}\n`,
    args: ['check'],
    message: /:6: clustr: /,
  },
  {
    name: 'YAML alias to nowhere',
    stack: `${base}tags: *nowhere\n`,
    args: ['plan'],
    message: /:6: yaml: expected an alias to an anchor set earlier/,
  },
  {
    name: 'YAML billion laughs',
    stack: `${base}a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
    args: ['plan'],
    message: /yaml: expected at most 100 alias/,
  },
  {
    name: 'YAML nested complex keys',
    stack: `${base}? ? ? ? ? ? ? ? ? ? ? ? ? ? ? ? ? ? ? ? ? ? ? ? a\n`,
    args: ['plan'],
    message: /:6: yaml: expected a plain key/,
  },
  {
    name: 'YAML nested 200 deep',
    stack: `${base}tags: ${'['.repeat(200)}${']'.repeat(200)}\n`,
    args: ['plan'],
    message: /:6: yaml: expected YAML nested at most 64 levels deep/,
  },
  {
    name: 'YAML unknown tag',
    stack: `${base}tags: !secret x\n`,
    args: ['plan'],
    message: /:6: yaml: expected YAML without tags.*Unresolved tag: !secret/,
  },
  {
    name: 'YAML !!binary',
    stack: `${base}name2: !!binary aGVsbG8=\n`,
    args: ['plan'],
    message: /:6: yaml: expected YAML without tags/,
  },
  {
    name: 'a key with a backslash in the error path',
    stack: `${base}tags:\n  'x["\\q"]': v\n`,
    args: ['plan'],
    message: /:7: tags\.x\["\\q"\]: expected a tag key/,
  },
];

const stackCases: Case[] = [
  {
    name: 'unknown top-level key',
    stack: base.replace('cluster:', 'clustr:'),
    args: ['plan'],
    message: /:2: clustr: .*did you mean "cluster"/,
  },
  {
    name: 'unknown nested key',
    stack: `${base}certificates:\n  - domain: a.example.com\n`,
    args: ['plan'],
    message: /:7: certificates\[0\]\.domain: .*did you mean "domainName"/,
  },
  {
    name: 'region',
    stack: base.replace('ap-northeast-1', 'tokyo'),
    args: ['plan'],
    message: /:4: cluster\.region: expected an AWS region/,
  },
  {
    name: 'unquoted Kubernetes version',
    stack: base.replace('"1.35"', '1.30'),
    args: ['plan'],
    message: /:5: cluster\.kubernetesVersion: expected a quoted/,
  },
  {
    name: 'Kubernetes version unknown to the version map',
    stack: seedWith('"1.35"', '"1.99"'),
    args: ['plan'],
    message: /cluster\.kubernetesVersion: .*version map/,
  },
  {
    name: 'cluster name',
    stack: base.replace('name: demo\n  region', 'name: -demo\n  region'),
    args: ['plan'],
    message: /:3: cluster\.name: expected an EKS cluster name/,
  },
  {
    name: 'stack name',
    stack: base.replace('name: demo\ncluster', 'name: "my stack"\ncluster'),
    args: ['plan'],
    message: /:1: name: /,
  },
  {
    name: 'wildcard in the middle',
    stack: seedWith('"*.foo.example.com"', 'foo.*.example.com'),
    args: ['apply', '--yes'],
    message: /certificates\[0\]\.domainName: expected a wildcard only as the whole leftmost label/,
  },
  {
    name: 'wildcard inside a label',
    stack: seedWith('"*.foo.example.com"', '"a*.foo.example.com"'),
    args: ['plan'],
    message: /certificates\[0\]\.domainName: .*not inside a label/,
  },
  {
    name: 'wildcard on a top-level domain',
    stack: `${base}certificates:\n  - domainName: "*.com"\n`,
    args: ['plan'],
    message: /:7: certificates\[0\]\.domainName: expected a wildcard below a domain/,
  },
  {
    name: 'domain name over 64 octets',
    stack: `${base}certificates:\n  - domainName: ${'a'.repeat(60)}.example.com\n`,
    args: ['plan'],
    message: /certificates\[0\]\.domainName: .*64 octets/,
  },
  {
    name: 'SAN with an empty label',
    stack: seedWith('[foo.example.com]', '[foo..example.com]'),
    args: ['plan'],
    message: /certificates\[0\]\.subjectAlternativeNames\[0\]/,
  },
  {
    name: 'key algorithm',
    stack: seedWith('keyAlgorithm: RSA_2048', 'keyAlgorithm: RSA_4096'),
    args: ['plan'],
    message: /certificates\[0\]\.keyAlgorithm: expected one of RSA_2048/,
  },
  {
    name: 'certificate region',
    stack: `${base}certificates:\n  - domainName: a.example.com\n    region: us-east\n`,
    args: ['plan'],
    message: /:8: certificates\[0\]\.region/,
  },
  {
    name: 'certificates not a list',
    stack: `${base}certificates: {}\n`,
    args: ['check'],
    message: /:6: certificates: expected a list/,
  },
  {
    name: 'repository name',
    stack: seedWith('name: seed/app\n', 'name: Seed/App\n'),
    args: ['apply', '--yes'],
    message: /repositories\[0\]\.name: expected/,
  },
  {
    name: 'tag mutability',
    stack: seedWith('tagMutability: IMMUTABLE', 'tagMutability: FROZEN'),
    args: ['plan'],
    message: /repositories\[0\]\.tagMutability: expected one of MUTABLE/,
  },
  {
    name: 'fractional keepLast',
    stack: seedWith('keepLast: 30', 'keepLast: 2.5'),
    args: ['plan'],
    message: /repositories\[0\]\.lifecycle\.keepLast: expected a whole number/,
  },
  {
    name: 'GitLab repository not in the stack',
    stack: seedWith('  repository: seed/app\n', '  repository: other/app\n'),
    args: ['plan'],
    message: /gitlab\.repository: expected one of the repositories/,
  },
  {
    name: 'builder',
    stack: seedWith('builder: kaniko', 'builder: docker'),
    args: ['plan'],
    message: /gitlab\.builder: expected one of kaniko \| buildkit/,
  },
  {
    name: 'identity mode',
    stack: seedWith('mode: irsa', 'mode: iam'),
    args: ['plan'],
    message: /autoscaler\.identity\.mode: expected one of irsa/,
  },
  {
    name: 'kube2iam without worker roles',
    stack: seedWith('mode: irsa', 'mode: kube2iam'),
    args: ['plan'],
    message: /autoscaler\.identity\.workerRoleArns: expected the worker node role ARNs/,
  },
  {
    name: 'two ways to select groups',
    stack: seedWith('names: [seed-workers-a, seed-workers-b]', 'names: [seed-workers-a]\n    prefix: seed-'),
    args: ['plan'],
    message: /autoscaler\.workerGroups: expected exactly one of/,
  },
  {
    name: 'taint without effect',
    stack: seedWith('labels: { workload: batch }', 'taints: { dedicated: batch }'),
    args: ['plan'],
    message: /autoscaler\.nodeTemplates\.seed-workers-b\.taints/,
  },
  {
    name: 'autoscaler flag eks-kit does not check',
    stack: seedWith('expander: least-waste', 'expandr: least-waste'),
    args: ['plan'],
    message: /autoscaler\.extraArgs\.expandr: expected a cluster-autoscaler flag eks-kit checks/,
  },
  {
    name: 'role name',
    stack: seedWith('roleName: seed-cluster-autoscaler', 'roleName: "seed cluster autoscaler"'),
    args: ['plan'],
    message: /autoscaler\.roleName: expected a role name/,
  },
  {
    name: 'warn days not above fail days',
    stack: seedWith('warnDays: 45', 'warnDays: 5'),
    args: ['check'],
    message: /checks\.warnDays: expected more days than checks\.failDays/,
  },
  {
    name: 'reserved tag prefix',
    stack: `${base}tags: { "aws:team": platform }\n`,
    args: ['plan'],
    message: /reserved prefix aws:/,
  },
  {
    name: 'YAML syntax',
    stack: `${base}certificates: [\n`,
    args: ['plan'],
    message: /eks-kit\.yaml:\d+: yaml: expected valid YAML/,
  },
  {
    name: 'duplicate key',
    stack: `${base}name: again\n`,
    args: ['plan'],
    message: /eks-kit\.yaml:\d+: name: expected a key given once in its map/,
  },
];

const flagCases: Case[] = [
  {
    name: 'missing stack file',
    args: ['plan', '-f', 'no-such-file.yaml'],
    message: /-f: expected a readable stack file \(this is no such file\)/,
  },
  {
    name: '--region that disagrees with the stack',
    stack: seed,
    args: ['plan', '--region', 'eu-west-1'],
    message: /--region: expected the stack's region ap-northeast-1/,
  },
  {
    name: '--region that is no region',
    stack: seed,
    args: ['plan', '--region', 'eu-west'],
    message: /--region: expected an AWS region/,
  },
  {
    name: '--endpoint-url that is no URL',
    stack: seed,
    args: ['plan', '--endpoint-url', 'ftp//nowhere'],
    message: /--endpoint-url: expected an http\(s\) URL/,
    ownEndpoint: true,
  },
  {
    name: '--max-attempts 0',
    stack: seed,
    args: ['plan', '--max-attempts', '0'],
    message: /--max-attempts: expected a whole number from 1 to 20/,
  },
  {
    name: '--retry-mode',
    stack: seed,
    args: ['plan', '--retry-mode', 'eager'],
    message: /--retry-mode: expected standard or adaptive/,
  },
  {
    name: 'apply without --yes when stdin is not a terminal',
    stack: seed,
    args: ['apply'],
    message: /--yes: expected --yes when standard input is not a terminal/,
  },
  {
    name: 'apply --timeout',
    stack: seed,
    args: ['apply', '--yes', '--timeout', 'soon'],
    message: /--timeout: expected minutes/,
  },
  { name: 'unknown option', stack: seed, args: ['plan', '--bogus'], message: /unknown option '--bogus'/ },
  { name: 'unknown command', args: ['frobnicate'], message: /unknown command 'frobnicate'/ },
  { name: 'extra argument', stack: seed, args: ['plan', 'extra'], message: /too many arguments/ },
  {
    name: 'render without --out',
    stack: seed,
    args: ['render'],
    message: /required option '-o, --out <dir>' not specified/,
  },
  {
    name: 'render --account-id',
    stack: seed,
    args: ['render', '--out', dir, '--account-id', '12345'],
    message: /--account-id: expected a 12-digit AWS account id/,
  },
  {
    name: 'cert status --domain',
    stack: seed,
    args: ['cert', 'status', '--domain', 'a..b.com'],
    message: /--domain: expected/,
  },
  {
    name: 'cert status --domain not in the stack',
    stack: seed,
    args: ['cert', 'status', '--domain', 'bar.example.com'],
    message: /--domain: expected a domainName of the stack/,
  },
  {
    name: 'autoscaler fit --cpu',
    stack: seed,
    args: ['autoscaler', 'fit', '--cpu', 'lots'],
    message: /--cpu: expected/,
  },
  {
    name: 'autoscaler fit --instance-type',
    stack: seed,
    args: ['autoscaler', 'fit', '--cpu', '1', '--instance-type', 'T3 Large'],
    message: /--instance-type: expected an EC2 instance type/,
  },
  {
    name: 'autoscaler fit --vm-memory-overhead-percent not a number',
    stack: seed,
    args: ['autoscaler', 'fit', '--cpu', '1', '--vm-memory-overhead-percent', 'lots'],
    message: /--vm-memory-overhead-percent: expected a fraction from 0 to below 1/,
  },
  {
    name: 'autoscaler fit --vm-memory-overhead-percent of 1 or more',
    stack: seed,
    args: ['autoscaler', 'fit', '--cpu', '1', '--vm-memory-overhead-percent', '7.5'],
    message: /--vm-memory-overhead-percent: expected a fraction from 0 to below 1/,
  },
  {
    name: 'autoscaler logs of a missing file',
    args: ['autoscaler', 'logs', 'no-such.log'],
    message: /<file>: expected a readable file.*\(this is no such file\)/,
  },
  {
    name: 'autoscaler without a subcommand',
    args: ['autoscaler'],
    message: /autoscaler: expected a subcommand: policy \| trust/,
  },
  {
    name: 'helm values --chart',
    stack: seed,
    args: ['helm', 'values', '--chart', 'nginx'],
    message: /argument 'nginx' is invalid/,
  },
  {
    name: 'ecr login --registry',
    stack: seed,
    args: ['ecr', 'login', '--registry', 'docker.io'],
    message: /--registry: /,
  },
  {
    name: 'init --cluster',
    args: ['init', '-f', '-', '--cluster', '_bad'],
    message: /--cluster: expected an EKS cluster name/,
  },
  {
    // Found trying eks-kit as a new user: it said "-:6: name: ...", a line of a file the user never wrote.
    name: 'init --name',
    args: ['init', '-f', '-', '--name', 'Bad Name'],
    message: /^Error: --name: expected a stack name: 1-63 letters/,
  },
];

// Cases run concurrently; each has its own access key, so its calls are told apart in the log.
describe.concurrent('bad input: exit 64, one line naming the field, no AWS call', () => {
  let count = 0;
  for (const c of [...stackCases, ...flagCases, ...hostileCases]) {
    count++;
    const accessKeyId = `AKIDBADINPUT${String(count).padStart(4, '0')}`;
    it(`refuses ${c.name}`, async () => {
      const file = c.stack === undefined ? undefined : writeIn(tempDir(), 'eks-kit.yaml', c.stack);
      const args = [
        ...c.args,
        ...(file ? ['-f', file] : []),
        ...(c.ownEndpoint ? [] : ['--endpoint-url', emu.url]),
      ];
      const run = await runCli(args, { cwd: dir, env: cliEnv({ AWS_ACCESS_KEY_ID: accessKeyId, ...c.env }) });
      expect(run.code, `stderr: ${run.stderr}`).toBe(EXIT_CODES.invalidInput);
      const message = run.stderr.trimEnd();
      expect(message.split('\n'), message).toHaveLength(1);
      expect(message).toMatch(c.message);
      expect(run.stdout).toBe('');
      expect(emu.calls().filter((call) => call.accessKeyId === accessKeyId)).toEqual([]);
    });
  }
  it('has at least 30 cases', () => {
    expect(count).toBeGreaterThanOrEqual(30);
  });
});

describe('secrets', () => {
  it('the ECR password is printed only with --password-stdout', async () => {
    const plain = await runCli(['ecr', 'login', '-f', SEED_STACK, '--endpoint-url', emu.url]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/user AWS/);
    const withPassword = await runCli([
      'ecr',
      'login',
      '-f',
      SEED_STACK,
      '--password-stdout',
      '--endpoint-url',
      emu.url,
    ]);
    expect(withPassword.code).toBe(0);
    const password = withPassword.stdout;
    expect(password.length).toBeGreaterThan(8);
    expect(plain.stdout + plain.stderr).not.toContain(password);
  });
});
