/**
 * Fuzz (issue 15): the CLI's argument parsing never throws a raw error. Arguments are parsed in
 * process, exactly as `eks-kit` parses them (commander, then the global flags' checks), without
 * running the command (apps/cli `parseCliArgs`): every outcome is a command to run (exit 0) or a
 * one-line "Error: ..." with the invalid-input exit code (64). Fixed seed; EKS_KIT_FUZZ_RUNS raises
 * the runs.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EXIT_CODES } from '@eks-kit/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUZZ_SEED, fuzzRuns, fuzzTimeout } from './support/fuzz-settings.js';

interface ParsedCliArgs {
  exitCode: number;
  command?: string;
  stderr: string;
}
type ParseCliArgs = (argv: string[], env?: Record<string, string | undefined>) => Promise<ParsedCliArgs>;

// The CLI package exports only its bin; its source module is loaded by path (vitest compiles it).
const PROGRAM = fileURLToPath(new URL('../../../apps/cli/src/program.ts', import.meta.url));
let parseCliArgs: ParseCliArgs;
beforeAll(async () => {
  ({ parseCliArgs } = (await import(pathToFileURL(PROGRAM).href)) as { parseCliArgs: ParseCliArgs });
});

const RUNS = 400;

const COMMANDS = [
  ['init'],
  ['plan'],
  ['apply'],
  ['check'],
  ['render'],
  ['autoscaler'],
  ['autoscaler', 'policy'],
  ['autoscaler', 'trust'],
  ['autoscaler', 'tags'],
  ['autoscaler', 'values'],
  ['autoscaler', 'verify'],
  ['autoscaler', 'fit'],
  ['autoscaler', 'logs'],
  ['cert'],
  ['cert', 'request'],
  ['cert', 'status'],
  ['cert', 'records'],
  ['cert', 'wait'],
  ['ecr'],
  ['ecr', 'login'],
  ['ecr', 'docker-config'],
  ['ecr', 'repo'],
  ['ecr', 'check-push'],
  ['ecr', 'ci-job'],
  ['helm'],
  ['helm', 'values'],
  ['helm', 'helmfile'],
  ['frobnicate'],
  [],
];
const FLAGS = [
  '-f',
  '--file',
  '--region',
  '--profile',
  '--endpoint-url',
  '--max-attempts',
  '--retry-mode',
  '--json',
  '--no-color',
  '--quiet',
  '--verbose',
  '--detailed-exitcode',
  '--yes',
  '-y',
  '--no-wait',
  '--timeout',
  '--out',
  '-o',
  '--force',
  '--account-id',
  '--minimal',
  '--cpu',
  '--memory',
  '--instance-type',
  '--vm-memory-overhead-percent',
  '--dry-run',
  '--domain',
  '--password-stdout',
  '--registry',
  '--repository',
  '--chart',
  '--name',
  '--cluster',
  '--',
  '-',
  '--=',
  '---',
  '-fz',
  '--help',
  '-h',
  '--version',
  '-V',
  '--bogus',
  '--region=eu-west-1',
  '--max-attempts=0',
];
const VALUES = [
  '',
  ' ',
  '-',
  '0',
  '1',
  '20',
  '21',
  '-1',
  '1e999',
  'Infinity',
  'NaN',
  '0x10',
  '1.5',
  'eu-west-1',
  'eu-west',
  'http://127.0.0.1:4566',
  'localhost:4566',
  'ftp://x',
  'http://u:p@h',
  'http://[::1',
  'standard',
  'adaptive',
  'eks-kit.yaml',
  '/dev/null',
  '\u0000',
  'a\nb',
  '$(id)',
  '"',
  '__proto__',
  'constructor',
  'é',
  'x'.repeat(5000),
  'cluster-autoscaler',
  'nginx',
  '123456789012',
  '1500m',
  '1Gi',
  't3.large',
];

const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FLAGS) },
  { weight: 4, arbitrary: fc.constantFrom(...VALUES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);
const argv = fc
  .tuple(fc.constantFrom(...COMMANDS), fc.array(token, { maxLength: 8 }))
  .map(([command, rest]) => [...command, ...rest]);
const endpointEnv = fc.record(
  {
    AWS_ENDPOINT_URL: fc.oneof(fc.constantFrom(...VALUES), fc.webUrl()),
    AWS_ENDPOINT_URL_IAM: fc.oneof(fc.constantFrom(...VALUES), fc.webUrl()),
    AWS_MAX_ATTEMPTS: fc.constantFrom(...VALUES),
    AWS_RETRY_MODE: fc.constantFrom(...VALUES),
  },
  { requiredKeys: [] },
);

/** The property: a command to run, or one line "Error: ..." and exit 64; never a throw. */
async function parsesOrRefusesCleanly(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<void> {
  const result = await parseCliArgs(args, env);
  expect([EXIT_CODES.ok, EXIT_CODES.invalidInput]).toContain(result.exitCode);
  if (result.exitCode === EXIT_CODES.invalidInput) {
    expect(result.stderr).toMatch(/^Error: /);
    expect(result.stderr).not.toMatch(/[\n\r]/);
    expect(result.stderr).not.toMatch(/TypeError|RangeError|ReferenceError|SyntaxError|at .*\.js:\d+/);
  } else expect(result.stderr).toBe('');
}

describe('fuzz: CLI argument parsing never throws a raw error', () => {
  it(
    'argument lists from the commands, flags and awkward values',
    async () => {
      await fc.assert(
        fc.asyncProperty(argv, async (args) => parsesOrRefusesCleanly(args, {})),
        { seed: FUZZ_SEED, numRuns: fuzzRuns(RUNS) },
      );
    },
    fuzzTimeout(RUNS),
  );

  it(
    'with AWS_ENDPOINT_URL*, AWS_MAX_ATTEMPTS and AWS_RETRY_MODE from the environment',
    async () => {
      await fc.assert(
        fc.asyncProperty(argv, endpointEnv, async (args, env) => parsesOrRefusesCleanly(args, env)),
        { seed: FUZZ_SEED, numRuns: fuzzRuns(RUNS) },
      );
    },
    fuzzTimeout(RUNS),
  );

  it('the parser reaches both outcomes, and the hostile-input classes are refused', async () => {
    expect(await parseCliArgs(['plan', '-f', 'x.yaml'])).toEqual({
      exitCode: 0,
      command: 'plan',
      stderr: '',
    });
    expect(await parseCliArgs(['autoscaler', 'fit', '--cpu', '1'])).toMatchObject({
      command: 'autoscaler fit',
    });
    const table: Array<[string[], Record<string, string>, RegExp]> = [
      [['plan', '--max-attempts', 'Infinity'], {}, /^Error: --max-attempts: /],
      [['plan', '--endpoint-url', 'localhost:4566'], {}, /^Error: --endpoint-url: expected an http\(s\) URL/],
      [['plan'], { AWS_ENDPOINT_URL_S3: 'not a url' }, /^Error: AWS_ENDPOINT_URL_S3: /],
      [['plan', '--bogus'], {}, /^Error: unknown option '--bogus'/],
      [['frobnicate'], {}, /^Error: unknown command 'frobnicate'/],
      [['ecr', 'logn'], {}, /^Error: ecr subcommand: .*did you mean eks-kit ecr login\?/],
    ];
    for (const [args, env, message] of table) {
      const result = await parseCliArgs(args, env);
      expect(result.exitCode, args.join(' ')).toBe(EXIT_CODES.invalidInput);
      expect(result.stderr).toMatch(message);
    }
  });
});
