/** What a new user hit in the CLI (issue 9), each run against the built CLI and the emulator. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '@eks-kit/aws-emulator';
import { EXIT_CODES } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI,
  cliEnv,
  ROOT,
  runCli,
  SEED_LOG,
  SEED_STACK,
  startSeedEmulator,
  tempDir,
  writeIn,
} from './helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startSeedEmulator();
});
afterAll(async () => {
  await emu.stop();
});

const seedText = readFileSync(SEED_STACK, 'utf8');
const oneLine = (text: string) => expect(text.trim().split('\n')).toHaveLength(1);

/** Run `sh -c script` (a CLI run piped into `true`, which closes the pipe at once) and return its stderr. */
function stderrOfPipedIntoTrue(script: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn('sh', ['-c', script], {
      env: cliEnv(),
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', () => resolve(err));
  });
}

describe('a closed stdout', () => {
  it('`autoscaler logs FILE | (reader that closes at once)` ends quietly with exit 0, no EPIPE trace', async () => {
    // `true` exits without reading: the CLI's first write meets a closed pipe (EPIPE).
    const script = `("${process.execPath}" "${CLI}" autoscaler logs "${SEED_LOG}"; echo "rc=$?" >&2) | true`;
    const stderr = await stderrOfPipedIntoTrue(script);
    expect(stderr).toContain('rc=0');
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).not.toContain('    at ');
  });

  it('a command whose stdout closes still does all its work (render writes every file)', async () => {
    const out = tempDir();
    const script = `("${process.execPath}" "${CLI}" render -f "${SEED_STACK}" --out "${out}" --endpoint-url "${emu.url}"; echo "rc=$?" >&2) | true`;
    const stderr = await stderrOfPipedIntoTrue(script);
    expect(stderr).toContain('rc=0');
    expect(stderr).not.toContain('    at ');
    for (const file of [
      'helmfile.yaml',
      'values/cluster-autoscaler.yaml',
      '.gitlab-ci.yml',
      'docker/config.json',
    ]) {
      expect(readFileSync(join(out, file), 'utf8').length).toBeGreaterThan(0);
    }
  });
});

describe('ecr login', () => {
  it('--password-stdout with --json is refused: exit 64, one line, no AWS call', async () => {
    emu.resetCalls();
    const run = await runCli([
      'ecr',
      'login',
      '--password-stdout',
      '--json',
      '-f',
      SEED_STACK,
      '--endpoint-url',
      emu.url,
    ]);
    expect(run.code).toBe(EXIT_CODES.invalidInput);
    expect(run.stdout).toBe('');
    oneLine(run.stderr);
    expect(run.stderr).toContain('--password-stdout');
    expect(run.stderr).toContain('--json');
    expect(emu.calls()).toEqual([]);
  });
});

describe('region: the stack, then --region, then AWS_REGION (as the global help says)', () => {
  const dir = tempDir();
  const noRegion = writeIn(dir, 'no-region.yaml', seedText.replace(/^ {2}region: .*\n/m, ''));

  it('a stack without cluster.region takes AWS_REGION', async () => {
    const run = await runCli(['ecr', 'login', '-f', noRegion, '--endpoint-url', emu.url], {
      env: cliEnv({ AWS_REGION: 'ap-northeast-1' }),
    });
    expect(run.stderr).not.toContain('Error');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('123456789012.dkr.ecr.ap-northeast-1.amazonaws.com');
  });

  it('--region wins over AWS_REGION for a stack without cluster.region', async () => {
    const run = await runCli(
      ['ecr', 'login', '-f', noRegion, '--region', 'ap-northeast-1', '--endpoint-url', emu.url],
      {
        env: cliEnv({ AWS_REGION: 'eu-west-1' }),
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('.dkr.ecr.ap-northeast-1.amazonaws.com');
  });

  it("the stack's cluster.region wins over AWS_REGION; a different --region is refused (exit 64)", async () => {
    const own = await runCli(['ecr', 'login', '-f', SEED_STACK, '--endpoint-url', emu.url], {
      env: cliEnv({ AWS_REGION: 'eu-west-1' }),
    });
    expect(own.stdout).toContain('.dkr.ecr.ap-northeast-1.amazonaws.com');
    const other = await runCli([
      'ecr',
      'login',
      '-f',
      SEED_STACK,
      '--region',
      'eu-west-1',
      '--endpoint-url',
      emu.url,
    ]);
    expect(other.code).toBe(EXIT_CODES.invalidInput);
    oneLine(other.stderr);
  });

  it('no region anywhere: exit 64, one line naming cluster.region, --region and AWS_REGION, no AWS call', async () => {
    emu.resetCalls();
    const run = await runCli(['ecr', 'login', '-f', noRegion, '--endpoint-url', emu.url]);
    expect(run.code).toBe(EXIT_CODES.invalidInput);
    oneLine(run.stderr);
    expect(run.stderr).toMatch(/no-region\.yaml:\d+: cluster\.region/);
    expect(run.stderr).toContain('--region');
    expect(run.stderr).toContain('AWS_REGION');
    expect(emu.calls()).toEqual([]);
  });

  it('init writes AWS_REGION (else --region) into cluster.region', async () => {
    const file = join(tempDir(), 'eks-kit.yaml');
    const run = await runCli(['init', '-f', file], { env: cliEnv({ AWS_REGION: 'ap-southeast-2' }) });
    expect(run.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^ {2}region: ap-southeast-2$/m);
    const flag = join(tempDir(), 'eks-kit.yaml');
    await runCli(['init', '-f', flag, '--region', 'ca-central-1'], {
      env: cliEnv({ AWS_REGION: 'ap-southeast-2' }),
    });
    expect(readFileSync(flag, 'utf8')).toMatch(/^ {2}region: ca-central-1$/m);
  });
});

describe('Kubernetes minors outside the version map', () => {
  const dir = tempDir();
  const future = seedText.replace(/kubernetesVersion: .*/, 'kubernetesVersion: "1.99"');

  it('unpinned: exit 64, one line, file:line, the hint names autoscaler.chartVersion and autoscaler.imageTag', async () => {
    const file = writeIn(dir, 'future.yaml', future);
    const run = await runCli([
      'helm',
      'values',
      '-f',
      file,
      '--account-id',
      '123456789012',
      '--endpoint-url',
      emu.url,
    ]);
    expect(run.code).toBe(EXIT_CODES.invalidInput);
    oneLine(run.stderr);
    expect(run.stderr).toMatch(/future\.yaml:\d+: cluster\.kubernetesVersion/);
    expect(run.stderr).toContain('autoscaler.chartVersion');
    expect(run.stderr).toContain('autoscaler.imageTag');
  });

  it('pinned with autoscaler.chartVersion and autoscaler.imageTag: helm values and render work', async () => {
    const file = writeIn(
      dir,
      'pinned.yaml',
      future.replace(/^autoscaler:\n/m, 'autoscaler:\n  chartVersion: 9.59.0\n  imageTag: v1.99.0\n'),
    );
    const values = await runCli([
      'helm',
      'values',
      '-f',
      file,
      '--account-id',
      '123456789012',
      '--endpoint-url',
      emu.url,
    ]);
    expect(values.stderr).toBe('');
    expect(values.stdout).toMatch(/tag: v1\.99\.0/);
    const out = join(tempDir(), 'out');
    const render = await runCli(['render', '-f', file, '--out', out, '--account-id', '123456789012']);
    expect(render.code).toBe(0);
    expect(readFileSync(join(out, 'helmfile.yaml'), 'utf8')).toContain('9.59.0');
  });
});

describe('credentials', () => {
  it('none anywhere: exit 1, one line naming what was tried and how to fix it', async () => {
    const env = cliEnv();
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    const run = await runCli(['ecr', 'login', '-f', SEED_STACK, '--endpoint-url', emu.url], { env });
    expect(run.code).toBe(1);
    oneLine(run.stderr);
    expect(run.stderr).toContain('no AWS credentials');
    expect(run.stderr).toMatch(/AWS_ACCESS_KEY_ID.*--profile.*aws configure \/ aws sso login/);
    expect(run.stderr.match(/hint:/g)).toHaveLength(1);
    expect(run.stderr).not.toContain('CredentialsProviderError');
  });

  it('--profile nosuch: exit 1, one line naming the profile, no SDK "Multiple credential sources" warning', async () => {
    const run = await runCli([
      'ecr',
      'login',
      '--profile',
      'nosuch',
      '-f',
      SEED_STACK,
      '--endpoint-url',
      emu.url,
    ]);
    expect(run.code).toBe(1);
    oneLine(run.stderr);
    expect(run.stderr).toContain('profile nosuch');
    expect(run.stderr).not.toMatch(/Multiple credential sources/);
  });
});

describe('messages in CLI terms', () => {
  it('check-push on a missing repository names the stack key and eks-kit ecr repo', async () => {
    const run = await runCli([
      'ecr',
      'check-push',
      '--repository',
      'nosuch',
      '-f',
      SEED_STACK,
      '--endpoint-url',
      emu.url,
    ]);
    expect(run.code).toBe(EXIT_CODES.failingFindings); // a failing check, not invalid input
    expect(run.stdout).toContain('repositories[].name');
    expect(run.stdout).toContain('eks-kit ecr repo');
    expect(run.stdout).not.toContain('ensureRepository(');
  });

  it('autoscaler logs: the insufficient-cpu diagnosis points to eks-kit autoscaler fit', async () => {
    const run = await runCli(['autoscaler', 'logs', SEED_LOG]);
    expect(run.stdout).not.toContain('podFits shows');
  });
});

describe('the committed bin stub', () => {
  it('bin/eks-kit.js runs the built CLI', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'apps/cli/package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(pkg.bin['eks-kit']).toBe('./bin/eks-kit.js');
    const version = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, 'apps/cli/bin/eks-kit.js'), '--version'], {
        env: cliEnv(),
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.on('error', reject);
      child.on('close', () => resolve(out));
    });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('minor and the tags selection', () => {
  it('`ecr logn` suggests login: exit 64, one line, "Error:" style', async () => {
    const run = await runCli(['ecr', 'logn']);
    expect(run.code).toBe(EXIT_CODES.invalidInput);
    oneLine(run.stderr);
    expect(run.stderr).toMatch(/^Error: /);
    expect(run.stderr).toContain('did you mean eks-kit ecr login?');
  });

  it('argument-parser errors begin "Error:" like the others', async () => {
    const run = await runCli(['plan', '--no-such-flag']);
    expect(run.code).toBe(EXIT_CODES.invalidInput);
    expect(run.stderr).toMatch(/^Error: unknown option '--no-such-flag'/);
  });

  it('autoscaler logs --quiet prints results only (no "Read N line(s)")', async () => {
    const run = await runCli(['autoscaler', 'logs', SEED_LOG, '--quiet']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('Read ');
    expect(run.stdout).toContain('scale-up');
    const loud = await runCli(['autoscaler', 'logs', SEED_LOG]);
    expect(loud.stderr).toMatch(/Read \d+ line\(s\)/);
  });

  it('autoscaler logs on input that is no autoscaler log: exit 1, says nothing was recognised', async () => {
    const run = await runCli(['autoscaler', 'logs', '-'], { input: 'hello\nworld\n' });
    expect(run.code).toBe(1);
    oneLine(run.stderr);
    expect(run.stderr).toContain(
      'no cluster-autoscaler log line recognised in standard input (2 line(s) read)',
    );
    expect(run.stdout).not.toContain('(empty)');
  });

  it('plan on the starter whose prefix matches no group: the error names autoscaler.workerGroups, not namePrefix', async () => {
    const dir = tempDir();
    const env = cliEnv({ AWS_REGION: 'ap-northeast-1' });
    expect((await runCli(['init'], { cwd: dir, env })).code).toBe(0);
    const plan = await runCli(['plan', '--endpoint-url', emu.url], { cwd: dir, env });
    expect(plan.code).toBe(1);
    // issue 14: the plan shows the refusal as a blocker beside the rest of the plan
    expect(plan.stderr).toContain('Apply is blocked');
    expect(plan.stderr).toContain(
      'autoscaler.tags.blocked: autoscaler.workerGroups (prefix my-cluster-workers-)',
    );
    expect(plan.stderr).not.toContain('namePrefix');
  });

  it('autoscaler tags names the selection by its stack keys (prefix), not namePrefix', async () => {
    const dir = tempDir();
    const file = writeIn(
      dir,
      'prefix.yaml',
      seedText.replace(/names: \[seed-workers-a, seed-workers-b\]/, 'prefix: seed-workers-'),
    );
    const text = await runCli(['autoscaler', 'tags', '-f', file, '--endpoint-url', emu.url]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('autoscaler.workerGroups (prefix seed-workers-)');
    const json = await runCli(['autoscaler', 'tags', '-f', file, '--json', '--endpoint-url', emu.url]);
    expect(JSON.parse(json.stdout)).toMatchObject({ workerGroups: { prefix: 'seed-workers-' } });
    expect(json.stdout).not.toContain('namePrefix');
  });
});
