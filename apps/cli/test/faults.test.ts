import type { Emulator } from '@eks-kit/aws-emulator';
import { describe, expect, it } from 'vitest';
import { certificatesFor, runCli, SEED_STACK, useSeedEmulator } from './helpers.js';

let emu: Emulator;
useSeedEmulator(
  (e) => {
    emu = e;
  },
  { resetEach: true },
);

const withEndpoint = (...args: string[]) => [...args, '--endpoint-url', emu.url];

async function expectConverged(): Promise<void> {
  emu.setFaults([]);
  emu.resetCalls();
  const plan = await runCli(withEndpoint('plan', '-f', SEED_STACK, '--detailed-exitcode'));
  expect(plan.stdout.trim()).toBe('No changes. AWS matches the stack.');
  expect(plan.code).toBe(0);
  expect(emu.calls({ mutating: true })).toEqual([]);
  expect(certificatesFor(emu, '*.foo.example.com')).toHaveLength(1);
}

describe('reliability of apply (built CLI against the emulator)', () => {
  it('converges with 30% throttling and 10% 5xx injected on every service (SDK retries)', async () => {
    emu.setFaults([
      { kind: 'throttle', probability: 0.3 },
      { kind: 'error5xx', probability: 0.1 },
    ]);
    const apply = await runCli(
      withEndpoint(
        'apply',
        '-f',
        SEED_STACK,
        '--yes',
        '--max-attempts',
        '12',
        '--retry-mode',
        'standard',
        '--verbose',
      ),
    );
    expect(apply.stderr).toMatch(/retr(y|ies)/); // the faults were really hit
    expect(apply.code).toBe(0);
    expect(emu.calls().some((c) => c.status >= 500)).toBe(true);
    expect(emu.calls().some((c) => c.error === 'Throttling' || c.error === 'ThrottlingException')).toBe(true);
    await expectConverged();
  }, 120_000);

  // Each step of apply prints "<step>: N change(s)" with --verbose; the child is killed right there.
  const steps = [
    'autoscaler discovery tags on the worker groups',
    'autoscaler IAM role',
    'GitLab build pod IAM role',
    'ECR repositories',
    'certificates and their DNS validation records',
  ];
  for (const [index, step] of steps.entries()) {
    it(`killed with SIGKILL after step ${index + 1} (${step}), a rerun converges`, async () => {
      const killed = await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes', '--verbose'), {
        onStderr: (text, kill) => {
          if (text.includes(`${step}: `)) kill();
        },
      });
      expect(killed.signal).toBe('SIGKILL');
      const rerun = await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes'));
      expect(rerun.stderr).toBe('');
      expect(rerun.code).toBe(0);
      await expectConverged();
    }, 60_000);
  }

  it('killed in the middle of a step (after the first mutating call), a rerun converges', async () => {
    const killed = await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes'), {
      killWhen: () => emu.calls({ mutating: true }).length > 0,
    });
    expect(killed.signal).toBe('SIGKILL');
    expect((await runCli(withEndpoint('apply', '-f', SEED_STACK, '--yes'))).code).toBe(0);
    await expectConverged();
  }, 60_000);
});
