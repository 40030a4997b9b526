/**
 * Bad-input corpus, CLI: the bundled `eks-kit` refuses each case with exit code 64 (EXIT_CODES.invalidInput), names the
 * option or stack field on stderr, and makes no AWS call (the emulator's call log stays empty).
 */
import { existsSync } from 'node:fs';
import type { Emulator } from '@eks-kit/aws-emulator';
import { EXIT_CODES } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, startTestEmulator } from './support/emulator.js';
import { LeakScanner } from './support/leak-scanner.js';
import { CLI_PATH, makeWorkDir, runCli, writeStack } from './support/run-cli.js';
import { seedStack } from './support/targets.js';

/** One refused command line: the stack edit (if any), the arguments, and the field the error names. */
interface CliBadInputCase {
  name: string;
  field: string;
  /** Arguments after the command; `-f <stack>` and `--endpoint-url` are added. */
  args: string[];
  /** Change the seed stack text before the run. */
  edit?: (stack: string) => string;
}

const replace = (from: string, to: string) => (text: string) => {
  if (!text.includes(from)) throw new Error(`seed stack has no ${from}`);
  return text.replace(from, to);
};

const CLI_CASES: CliBadInputCase[] = [
  { name: 'plan --region not in AWS form', field: '--region', args: ['plan', '--region', 'eu_west_1'] },
  { name: 'plan --max-attempts 0', field: '--max-attempts', args: ['plan', '--max-attempts', '0'] },
  {
    name: 'plan --max-attempts not a number',
    field: '--max-attempts',
    args: ['plan', '--max-attempts', 'many'],
  },
  {
    name: 'plan: cluster name with a space',
    field: 'cluster.name',
    args: ['plan'],
    edit: replace('  name: seed\n  region', '  name: "bad name"\n  region'),
  },
  {
    name: 'plan: cluster region not in AWS form',
    field: 'cluster.region',
    args: ['plan'],
    edit: replace('region: ap-northeast-1', 'region: tokyo'),
  },
  {
    name: 'plan: certificate with an empty label',
    field: 'certificates[0].domainName',
    args: ['plan'],
    edit: replace('"*.foo.example.com"', '"foo..example.com"'),
  },
  {
    name: 'plan: wildcard not in the first label',
    field: 'certificates[0].domainName',
    args: ['plan'],
    edit: replace('"*.foo.example.com"', '"foo.*.example.com"'),
  },
  {
    name: 'plan: key algorithm ACM cannot request',
    field: 'certificates[0].keyAlgorithm',
    args: ['plan'],
    edit: replace('keyAlgorithm: RSA_2048', 'keyAlgorithm: RSA_4096'),
  },
  {
    name: 'plan: upper-case repository name',
    field: 'repositories[0].name',
    args: ['plan'],
    edit: replace('  - name: seed/app', '  - name: Seed/App'),
  },
  {
    name: 'plan: unknown tag mutability',
    field: 'repositories[0].tagMutability',
    args: ['plan'],
    edit: replace('tagMutability: IMMUTABLE', 'tagMutability: SOMETIMES'),
  },
  {
    name: 'plan: misspelt top-level key',
    field: 'autoscalr',
    args: ['plan'],
    edit: replace('autoscaler:\n', 'autoscalr:\n'),
  },
  {
    name: 'plan: unknown identity mode',
    field: 'autoscaler.identity.mode',
    args: ['plan'],
    edit: replace('mode: irsa', 'mode: kiam2'),
  },
  {
    name: 'plan: runner namespace with upper case and underscore',
    field: 'gitlab.runner.namespace',
    args: ['plan'],
    edit: replace('namespace: gitlab-runner', 'namespace: Gitlab_Runner'),
  },
  {
    name: 'apply --yes: IAM role name with a space',
    field: 'autoscaler.roleName',
    args: ['apply', '--yes', '--no-wait'],
    edit: replace('roleName: seed-cluster-autoscaler', 'roleName: "seed cluster autoscaler"'),
  },
  { name: 'apply --timeout negative', field: '--timeout', args: ['apply', '--yes', '--timeout', '-5'] },
  {
    name: 'cert wait --timeout not a number',
    field: '--timeout',
    args: ['cert', 'wait', '--timeout', 'soon'],
  },
  {
    name: 'cert request --domain with an empty label',
    field: '--domain',
    args: ['cert', 'request', '--domain', 'foo..example.com'],
  },
  {
    name: 'autoscaler fit --cpu not a quantity',
    field: '--cpu',
    args: ['autoscaler', 'fit', '--cpu', 'lots'],
  },
  {
    name: 'ecr login --registry not an ECR host',
    field: '--registry',
    args: ['ecr', 'login', '--registry', 'registry.example.com'],
  },
  {
    name: 'ecr check-push --repository upper case',
    field: '--repository',
    args: ['ecr', 'check-push', '--repository', 'Seed/App'],
  },
  {
    name: 'ecr docker-config --account-id of 11 digits',
    field: '--account-id',
    args: ['ecr', 'docker-config', '--account-id', '12345678901'],
  },
  {
    name: 'destroy --regions with a mistyped region',
    field: '--regions',
    args: ['destroy', '--yes', '--regions', 'eu-west-1,eu-wst-1'],
  },
];

describe('bad-input corpus: CLI (exit 64, field named on stderr, no AWS call)', () => {
  let emu: Emulator;
  const home = makeWorkDir();
  const scanner = new LeakScanner();
  const seed = seedStack();
  beforeAll(async () => {
    emu = await startTestEmulator(seed.world);
  });
  afterAll(async () => {
    expect(scanner.scan([{ name: 'secret access key', value: CREDENTIALS.secretAccessKey }])).toEqual([]);
    await emu.stop();
  });

  it('the CLI is built (pnpm --filter @eks-kit/cli build)', () => {
    expect(existsSync(CLI_PATH)).toBe(true);
  });

  it('has at least 20 CLI cases with distinct names', () => {
    expect(CLI_CASES.length).toBeGreaterThanOrEqual(20);
    expect(new Set(CLI_CASES.map((c) => c.name)).size).toBe(CLI_CASES.length);
  });

  it.each(CLI_CASES)('eks-kit $args.0: $name -> $field', async ({ name, args, edit, field }) => {
    const stack = writeStack(
      home,
      `${name.replace(/\W+/g, '-')}.yaml`,
      edit ? edit(seed.stackText) : seed.stackText,
    );
    emu.resetCalls();
    const run = await runCli([...args, '-f', stack, '--endpoint-url', emu.url], home);
    scanner.record(`cli ${args.join(' ')} stdout`, run.stdout);
    scanner.record(`cli ${args.join(' ')} stderr`, run.stderr);
    expect(run.code, run.stderr).toBe(EXIT_CODES.invalidInput);
    expect(run.stderr).toContain(field);
    expect(emu.calls(), 'no AWS call before validation').toEqual([]);
  });
});
