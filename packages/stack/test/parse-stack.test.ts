import { readFileSync } from 'node:fs';
import { EXIT_CODES, InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { formatPath, nearestKey, parsePath, parseStack, starterStack } from '../src/index.js';

const seedText = readFileSync(new URL('../../../examples/seed/eks-kit.yaml', import.meta.url), 'utf8');

const base = `name: demo
cluster:
  name: demo
  region: eu-west-1
  kubernetesVersion: "1.35"
`;

function errorOf(text: string, fileName = 'eks-kit.yaml'): InvalidInputError {
  try {
    parseStack(text, fileName);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    const e = error as InvalidInputError;
    expect(e.message).not.toContain('\n');
    expect(e.exitCode).toBe(EXIT_CODES.invalidInput);
    return e;
  }
  throw new Error(`expected an error for:\n${text}`);
}

describe('parseStack: valid files', () => {
  it('parses the seed stack with defaults applied', () => {
    const stack = parseStack(seedText, 'eks-kit.yaml');
    expect(stack.name).toBe('seed');
    expect(stack.cluster).toEqual({ name: 'seed', region: 'ap-northeast-1', kubernetesVersion: '1.35' });
    expect(stack.autoscaler?.identity.mode).toBe('irsa');
    expect(stack.autoscaler?.workerGroups.names).toEqual(['seed-workers-a', 'seed-workers-b']);
    expect(stack.certificates[0]?.domainName).toBe('*.foo.example.com');
    expect(stack.certificates[0]?.subjectAlternativeNames).toEqual(['foo.example.com']);
    expect(stack.repositories[0]).toMatchObject({
      name: 'seed/app',
      cache: true,
      tagMutability: 'IMMUTABLE',
    });
    expect(stack.gitlab?.builder).toBe('kaniko');
    expect(stack.checks).toEqual({ warnDays: 45, failDays: 30 });
  });

  it('defaults checks from ACM 198-day lifetime and 45-day renewal window, no longer 30/7', () => {
    expect(parseStack(base, 'eks-kit.yaml').checks).toEqual({ warnDays: 45, failDays: 30 });
  });

  it('parses the starter that eks-kit init writes', () => {
    const stack = parseStack(starterStack({ name: 'prod', cluster: 'prod-eks', region: 'eu-central-1' }));
    expect(stack.name).toBe('prod');
    expect(stack.cluster.region).toBe('eu-central-1');
    expect(starterStack()).toContain('# ');
  });

  it('applies defaults to a minimal file', () => {
    const stack = parseStack(base);
    expect(stack.certificates).toEqual([]);
    expect(stack.repositories).toEqual([]);
    expect(stack.autoscaler).toBeUndefined();
  });

  it('normalises DNS names and zone ids (validateDnsName from core)', () => {
    const stack = parseStack(
      `${base}certificates:\n  - domainName: "*.Foo.Example.com."\n    zones: { Example.com: /hostedzone/Z123ABC }\n`,
    );
    expect(stack.certificates[0]?.domainName).toBe('*.foo.example.com');
    expect(stack.certificates[0]?.zones).toEqual({ 'example.com': 'Z123ABC' });
  });
});

describe('parseStack: errors name the key path and file:line', () => {
  it('a bad domain gives file:line and the key path', () => {
    const e = errorOf(`${base}certificates:\n  - domainName: foo.*.example.com\n`, 'stack.yaml');
    expect(e.message).toMatch(/^stack\.yaml:7: certificates\[0\]\.domainName: expected a wildcard only/);
    expect(e.field).toBe('certificates[0].domainName');
    expect(e.location).toBe('stack.yaml:7');
  });

  it('an unknown key suggests the nearest known key', () => {
    const e = errorOf(
      `${base}certificates:\n  - domainName: a.example.com\n    subjectAltNames: [b.example.com]\n`,
    );
    expect(e.message).toContain('eks-kit.yaml:8: certificates[0].subjectAltNames');
    expect(e.message).toContain('did you mean "subjectAlternativeNames"');
  });

  it('a misspelt required key is reported as unknown, not as missing', () => {
    const e = errorOf(`${base}certificates:\n  - domain: a.example.com\n`);
    expect(e.message).toContain('did you mean "domainName"');
  });

  it('an unquoted Kubernetes version explains the YAML float trap', () => {
    const e = errorOf(base.replace('"1.35"', '1.30'));
    expect(e.message).toMatch(/^eks-kit\.yaml:5: cluster\.kubernetesVersion: expected a quoted/);
    expect(e.message).toContain('got 1.3');
  });

  it('YAML syntax errors carry the line', () => {
    expect(errorOf(`${base}certificates: [\n`).message).toMatch(
      /^eks-kit\.yaml:\d+: yaml: expected valid YAML/,
    );
  });

  it('duplicate keys are refused', () => {
    expect(errorOf(`${base}name: other\n`).message).toMatch(
      /^eks-kit\.yaml:6: name: expected a key given once/,
    );
  });

  it('a duplicate key names its field path and line, not "yaml" (found trying eks-kit as a new user)', () => {
    const nested = `${base}autoscaler:\n  namespace: kube-system\n  namespace: other\n`;
    const e = errorOf(nested);
    expect(e.field).toBe('autoscaler.namespace');
    expect(e.message).toMatch(
      /^eks-kit\.yaml:8: autoscaler\.namespace: expected a key given once in its map/,
    );
    const inList = `${base}certificates:\n  - domainName: a.example.com\n    domainName: b.example.com\n`;
    expect(errorOf(inList).field).toBe('certificates[0].domainName');
  });

  it('two ways of naming the worker groups are named, not reported as "got nothing" (found trying eks-kit as a new user)', () => {
    const both = `${base}autoscaler:\n  identity:\n    mode: irsa\n  workerGroups:\n    names: [a]\n    prefix: b-\n`;
    expect(errorOf(both).message).toMatch(
      /autoscaler\.workerGroups: expected exactly one of names, prefix or clusterTags: true, got "names and prefix"$/,
    );
    const none = `${base}autoscaler:\n  identity:\n    mode: irsa\n  workerGroups: {}\n`;
    expect(errorOf(none).message).toMatch(
      /autoscaler\.workerGroups: expected exactly one of .*, got nothing$/,
    );
  });

  it('the first error in the file is reported', () => {
    const e = errorOf(`name: demo\ncluster:\n  name: -bad\n  region: nowhere\n  kubernetesVersion: "1.35"\n`);
    expect(e.field).toBe('cluster.name');
  });

  const cases: Array<[string, string, RegExp]> = [
    ['empty file', '', /name: expected a stack name/],
    ['wrong type', `${base}certificates: {}\n`, /certificates: expected a list/],
    ['bad region', base.replace('eu-west-1', 'tokyo'), /:4: cluster\.region: expected an AWS region/],
    ['bad cluster name', base.replace('name: demo\n  region', 'name: _x\n  region'), /cluster\.name/],
    ['old Kubernetes', base.replace('1.35', '1.19'), /cluster\.kubernetesVersion/],
    ['http issuer', `${base}  oidcIssuer: http://x.example.com\n`, /cluster\.oidcIssuer/],
    [
      'bad stack name',
      base.replace('name: demo\ncluster', 'name: "a b"\ncluster'),
      /^eks-kit\.yaml:1: name:/,
    ],
    [
      'wildcard inside a label',
      `${base}certificates:\n  - domainName: "a*.example.com"\n`,
      /certificates\[0\]\.domainName: expected a wildcard only/,
    ],
    ['wildcard on a TLD', `${base}certificates:\n  - domainName: "*.com"\n`, /wildcard below a domain/],
    [
      'domain over 64 octets',
      `${base}certificates:\n  - domainName: ${'a'.repeat(60)}.example.com\n`,
      /at most 64 octets/,
    ],
    [
      'bad SAN',
      `${base}certificates:\n  - domainName: a.example.com\n    subjectAlternativeNames: [b..example.com]\n`,
      /:8: certificates\[0\]\.subjectAlternativeNames\[0\]/,
    ],
    [
      'bad key algorithm',
      `${base}certificates:\n  - domainName: a.example.com\n    keyAlgorithm: RSA_4096\n`,
      /keyAlgorithm: expected one of RSA_2048 \| EC_prime256v1 \| EC_secp384r1/,
    ],
    [
      'bad certificate region',
      `${base}certificates:\n  - domainName: a.example.com\n    region: us-east\n`,
      /certificates\[0\]\.region/,
    ],
    [
      'zone that does not contain the names',
      `${base}certificates:\n  - domainName: a.example.com\n    zones: { other.com: Z123 }\n`,
      /zones\["other\.com"\]: expected a zone that contains/,
    ],
    [
      'bad zone id',
      `${base}certificates:\n  - domainName: a.example.com\n    zones: { example.com: zone-1 }\n`,
      /hosted zone id/,
    ],
    [
      'duplicate certificate',
      `${base}certificates:\n  - domainName: a.example.com\n  - domainName: A.example.com\n`,
      /:8: certificates\[1\]\.domainName: expected a certificate not already listed/,
    ],
    [
      'bad repository name',
      `${base}repositories:\n  - name: App\n`,
      /repositories\[0\]\.name: expected an ECR repository name/,
    ],
    [
      'bad tag mutability',
      `${base}repositories:\n  - name: app\n    tagMutability: FROZEN\n`,
      /tagMutability: expected one of MUTABLE/,
    ],
    [
      'fractional lifecycle',
      `${base}repositories:\n  - name: app\n    lifecycle: { keepLast: 2.5 }\n`,
      /lifecycle\.keepLast: expected a whole number/,
    ],
    [
      'zero lifecycle days',
      `${base}repositories:\n  - name: app\n    lifecycle: { untaggedDays: 0 }\n`,
      /untaggedDays: expected a whole number from 1/,
    ],
    [
      'gitlab repository not listed',
      `${base}gitlab:\n  runner: { serviceAccount: build }\n  repository: app\n`,
      /gitlab\.repository: expected a repository listed/,
    ],
    [
      'bad builder',
      `${base}repositories: [{ name: app }]\ngitlab:\n  runner: { serviceAccount: build }\n  repository: app\n  builder: docker\n`,
      /gitlab\.builder: expected one of kaniko \| buildkit/,
    ],
    [
      'bad identity mode',
      `${base}autoscaler:\n  identity: { mode: iam }\n  workerGroups: { prefix: w- }\n`,
      /autoscaler\.identity\.mode: expected one of irsa/,
    ],
    [
      'kube2iam without worker roles',
      `${base}autoscaler:\n  identity: { mode: kube2iam }\n  workerGroups: { prefix: w- }\n`,
      /workerRoleArns: expected the worker node role ARNs/,
    ],
    [
      'kiam with a bad ARN',
      `${base}autoscaler:\n  identity: { mode: kiam, serverRoleArn: "arn:aws:s3:::bucket" }\n  workerGroups: { prefix: w- }\n`,
      /serverRoleArn/,
    ],
    [
      'two ways of selecting groups',
      `${base}autoscaler:\n  workerGroups: { prefix: w-, names: [a] }\n`,
      /autoscaler\.workerGroups: expected exactly one of/,
    ],
    [
      'taint without effect',
      `${base}autoscaler:\n  workerGroups: { prefix: w- }\n  nodeTemplates:\n    w-gpu: { taints: { gpu: "true" } }\n`,
      /nodeTemplates\.w-gpu\.taints/,
    ],
    [
      'bad role name',
      `${base}autoscaler:\n  workerGroups: { prefix: w- }\n  roleName: "role with spaces"\n`,
      /autoscaler\.roleName: expected a role name of 1-64/,
    ],
    [
      'bad namespace',
      `${base}autoscaler:\n  workerGroups: { prefix: w- }\n  namespace: Kube_System\n`,
      /autoscaler\.namespace/,
    ],
    [
      'warnDays beyond the 198-day certificate lifetime',
      `${base}checks: { warnDays: 365, failDays: 10 }\n`,
      /checks\.warnDays: expected a whole number from 1 to 198/,
    ],
    [
      'checks out of order',
      `${base}checks: { warnDays: 5, failDays: 10 }\n`,
      /checks\.warnDays: expected more days/,
    ],
    ['reserved tag', `${base}tags: { "aws:owner": x }\n`, /reserved prefix aws:/],
    [
      'cache repository also listed',
      `${base}repositories:\n  - name: app\n    cache: true\n  - name: app/cache\n`,
      /:8: repositories\[0\]\.cache: expected no cache: app\/cache is listed/,
    ],
    ['own stack tag', `${base}tags: { "eks-kit:stack": x }\n`, /no eks-kit:stack tag/],
  ];
  for (const [name, text, pattern] of cases) {
    it(`refuses ${name}`, () => {
      expect(errorOf(text).message).toMatch(pattern);
    });
  }
});

describe('helpers', () => {
  it('formats and parses field paths', () => {
    const path = ['certificates', 0, 'zones', 'foo.example.com'];
    expect(formatPath(path)).toBe('certificates[0].zones["foo.example.com"]');
    expect(parsePath(formatPath(path))).toEqual(path);
    expect(parsePath('autoscaler.nodeTemplates.w-gpu.taints[0]')).toEqual([
      'autoscaler',
      'nodeTemplates',
      'w-gpu',
      'taints',
      0,
    ]);
  });

  it('suggests the nearest key or nothing', () => {
    expect(nearestKey('regoin', ['name', 'region'])).toBe('region');
    expect(nearestKey('zzzzzzzz', ['name', 'region'])).toBeUndefined();
  });
});
