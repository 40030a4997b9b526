/**
 * SIGTERM and SIGHUP end a command as SIGINT does (issue 15): the running step sees the abort, one
 * line on stderr, exit 128 + the signal's number (EXIT_CODES), and a rerun converges.
 */
import { spawn } from 'node:child_process';
import type { Emulator } from '@eks-kit/aws-emulator';
import { EXIT_CODES } from '@eks-kit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, certificatesFor, cliEnv, ROOT, runCli, SEED_STACK, startSeedEmulator } from './helpers.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

/** Run the CLI and send `signal` once stderr contains `when`; resolve with the exit code and stderr. */
function runAndSignal(
  args: string[],
  signal: NodeJS.Signals,
  when: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: cliEnv(),
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let sent = false;
    child.stdout.resume();
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && stderr.includes(when)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('close', (code, killedBy) => resolve({ code, signal: killedBy, stderr }));
  });
}

const expected: Array<[NodeJS.Signals, number]> = [
  ['SIGTERM', EXIT_CODES.sigterm],
  ['SIGHUP', EXIT_CODES.sighup],
  ['SIGINT', EXIT_CODES.sigint],
];

describe('signals stop a command cleanly', () => {
  it('the codes are 128 + the signal number', () => {
    expect([EXIT_CODES.sighup, EXIT_CODES.sigint, EXIT_CODES.sigterm]).toEqual([129, 130, 143]);
  });

  for (const [signal, code] of expected) {
    it(`${signal} during apply's certificate wait: exit ${code}, one line, a rerun converges`, async () => {
      // Real-time emulator whose certificates take an hour to validate: apply is still waiting when the
      // signal comes, however slow the machine (with ACM's 20 s, a loaded machine could finish first).
      emu = await startSeedEmulator(1);
      emu.behaviour.acmValidationSeconds = 3600;
      const url = emu.url;
      const stopped = await runAndSignal(
        ['apply', '-f', SEED_STACK, '--yes', '--verbose', '--endpoint-url', url],
        signal,
        'certificates and their DNS validation records: ',
      );
      expect(stopped.signal).toBeNull(); // handled, not killed by the signal
      expect(stopped.code, stopped.stderr).toBe(code);
      const lines = stopped.stderr.trimEnd().split('\n');
      // --verbose prints the steps and the call report; the closing line is the only one about the stop.
      expect(lines.filter((l) => /stop|interrupt/i.test(l))).toEqual([
        `Stopped by ${signal}. A rerun converges.`,
      ]);
      const rerun = await runCli(['apply', '-f', SEED_STACK, '--yes', '--no-wait', '--endpoint-url', url]);
      expect(rerun.code, rerun.stderr).toBe(0);
      const plan = await runCli(['plan', '-f', SEED_STACK, '--detailed-exitcode', '--endpoint-url', url]);
      expect(plan.code, plan.stdout).toBe(EXIT_CODES.ok);
      expect(certificatesFor(emu, '*.foo.example.com')).toHaveLength(1);
    }, 60_000);
  }

  it('SIGTERM while reading a stack from a standard input that never ends: exit 143 after the grace period, one line', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'plan', '-f', '-'], {
        env: cliEnv(),
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stdout.resume();
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      // The signal goes once the CLI is reading standard input (its handlers are installed before):
      // 58,000 comment lines (about 520 KB) fill the pipe (64 KiB): the write completes only after the CLI has
      // read most of them. A fixed delay raced the start of the CLI on a loaded machine.
      child.stdin.write('name: demo\n');
      child.stdin.write('# filler\n'.repeat(58_000), () => child.kill('SIGTERM'));
      // ...then nothing, and standard input stays open
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.code).toBe(EXIT_CODES.sigterm);
    expect(result.stderr).toBe('Stopped by SIGTERM. A rerun converges.\n');
  }, 30_000);
});
