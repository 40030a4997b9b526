/** Messages in CLI terms: suggestions, parser errors, log reader output, the worker-group selection by stack keys. */
import type { Emulator } from '@eks-kit/aws-emulator';
import { EXIT_CODES } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  cliEnv,
  oneLine,
  runCli,
  SEED_LOG,
  SEED_STACK,
  SEED_TEXT,
  tempDir,
  useSeedEmulator,
  writeIn,
} from './helpers.js';

let emu: Emulator;
useSeedEmulator((e) => {
  emu = e;
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
      SEED_TEXT.replace(/names: \[seed-workers-a, seed-workers-b\]/, 'prefix: seed-workers-'),
    );
    const text = await runCli(['autoscaler', 'tags', '-f', file, '--endpoint-url', emu.url]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('autoscaler.workerGroups (prefix seed-workers-)');
    const json = await runCli(['autoscaler', 'tags', '-f', file, '--json', '--endpoint-url', emu.url]);
    expect(JSON.parse(json.stdout)).toMatchObject({ workerGroups: { prefix: 'seed-workers-' } });
    expect(json.stdout).not.toContain('namePrefix');
  });
});
