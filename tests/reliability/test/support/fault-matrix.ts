/**
 * The fault matrix of one ensure*: a clean run (the reference state), throttling, 5xx, added
 * latency, IAM propagation delay, and a crash after each mutating call followed by a rerun. After
 * every faulted run the emulator's state must equal the clean run's (normalised snapshot), with no
 * duplicate resource, and one more run must make no mutating call.
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import type { AwsClients, EnsureOptions, ProgressEvent } from '@eks-kit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type CrashLog, crashingClients, isMutatingOperation } from './crash-clients.js';
import { CREDENTIALS, emulatorClients, startTestEmulator } from './emulator.js';
import { issuedEcrSecrets, LeakScanner } from './leak-scanner.js';
import { duplicates, type StateSnapshot, snapshotState } from './state-snapshot.js';
import type { EnsureTarget } from './targets.js';

/** Figures of one target, printed at the end of its file (docs/RELIABILITY.md quotes them). */
export interface MatrixFigures {
  target: string;
  mutatingCalls: number;
  crashPoints: string[];
  throttled: { commands: number; attempts: number; throttledResponses: number };
  serverErrors: { commands: number; attempts: number; failedResponses: number };
  propagationRefusals: number;
}

/** A run with fresh clients: errors and events go to the scanner; clients are destroyed after. */
async function runOnce(
  emu: Emulator,
  target: EnsureTarget,
  scanner: LeakScanner,
  label: string,
  wrapClients: (c: AwsClients) => AwsClients = (c) => c,
  options: EnsureOptions = {},
): Promise<{ result?: unknown; error?: unknown; clients: AwsClients }> {
  const clients = await emulatorClients(emu);
  const onEvent = (event: ProgressEvent): void => {
    scanner.record(`${label} event`, event);
    options.onEvent?.(event);
  };
  try {
    const result = await target.run(wrapClients(clients), { ...options, onEvent });
    scanner.record(`${label} result`, result);
    return { result, clients };
  } catch (error) {
    scanner.record(`${label} error`, error);
    return { error, clients };
  } finally {
    clients.destroy();
  }
}

/** Reset the emulator to the target's world, run its setup, and clear the call log. */
async function fresh(emu: Emulator, target: EnsureTarget): Promise<void> {
  emu.reset();
  emu.setFaults([]);
  if (target.setup) {
    const clients = await emulatorClients(emu);
    try {
      await target.setup(clients);
    } finally {
      clients.destroy();
    }
  }
  emu.resetCalls();
}

/**
 * Define the matrix tests of `target` in the calling test file.
 *
 * @example
 * ```ts
 * // test/matrix-ensure-role.test.ts
 * await defineFaultMatrix(ensureTargets()[0]);
 * ```
 */
export async function defineFaultMatrix(target: EnsureTarget): Promise<void> {
  const emu = await startTestEmulator(target.world, target.behaviour ?? {});
  const scanner = new LeakScanner();

  // The reference: a clean run, counted by the crash wrapper (nothing crashes at Infinity).
  await fresh(emu, target);
  const countingBase = await emulatorClients(emu);
  const counting = crashingClients(countingBase, Number.POSITIVE_INFINITY);
  const cleanRun = await target.run(counting.clients, {}).finally(() => countingBase.destroy());
  scanner.record('clean run result', cleanRun);
  const clean: StateSnapshot = snapshotState(emu.state);
  const cleanMutations = counting.log.mutations;
  const emulatorMutations = emu.calls({ mutating: true }).map((c) => `${c.service}:${c.operation}`);
  const figures: MatrixFigures = {
    target: target.name,
    mutatingCalls: cleanMutations.length,
    crashPoints: cleanMutations,
    throttled: { commands: 0, attempts: 0, throttledResponses: 0 },
    serverErrors: { commands: 0, attempts: 0, failedResponses: 0 },
    propagationRefusals: 0,
  };

  /** The state equals the clean run's, nothing is duplicated, and one more run changes nothing. */
  async function expectConverged(label: string): Promise<void> {
    const now = snapshotState(emu.state);
    expect(duplicates(now), `${label}: duplicates`).toEqual([]);
    expect(now, `${label}: state differs from the clean run`).toEqual(clean);
    emu.setFaults([]);
    emu.resetCalls();
    const third = await runOnce(emu, target, scanner, `${label} (third run)`);
    expect(third.error, `${label}: third run failed`).toBeUndefined();
    expect(
      emu.calls({ mutating: true }).map((c) => `${c.service}:${c.operation}`),
      `${label}: third run mutated`,
    ).toEqual([]);
  }

  describe(target.name, () => {
    afterAll(async () => {
      console.info(`[reliability figures] ${JSON.stringify(figures)}`);
      expect(
        scanner.scan([
          ...issuedEcrSecrets(emu.state),
          { name: 'secret access key', value: CREDENTIALS.secretAccessKey },
        ]),
      ).toEqual([]);
      await emu.stop();
    });

    it('clean run: changes something, the crash wrapper and the emulator agree on which calls mutate, a rerun mutates nothing', async () => {
      expect(cleanMutations.length).toBeGreaterThan(0);
      expect(cleanMutations).toEqual(emulatorMutations);
      for (const call of emu.calls())
        expect(isMutatingOperation(call.operation), call.operation).toBe(call.mutating);
      expect(duplicates(clean)).toEqual([]);
      emu.resetCalls();
      const again = await runOnce(emu, target, scanner, 'rerun');
      expect(again.error).toBeUndefined();
      expect(emu.calls({ mutating: true })).toEqual([]);
    });

    it('dry run on the start state: no mutating call, the state is untouched', async () => {
      await fresh(emu, target);
      const before = snapshotState(emu.state);
      const dry = await runOnce(emu, target, scanner, 'dry run', (c) => c, { dryRun: true });
      expect(dry.error).toBeUndefined();
      expect(emu.calls({ mutating: true })).toEqual([]);
      expect(snapshotState(emu.state)).toEqual(before);
    });

    it('30% throttling on every service (SDK retries, adaptive mode): converges to the clean state', async () => {
      await fresh(emu, target);
      // The first call is always throttled, then 30% of all calls (seeded, reproducible).
      emu.setFaults([
        { kind: 'throttle', count: 1 },
        { kind: 'throttle', probability: 0.3 },
      ]);
      const run = await runOnce(emu, target, scanner, 'throttle');
      const calls = emu.calls();
      const total = run.clients.counter.total();
      figures.throttled = {
        commands: total.calls,
        attempts: total.attempts,
        throttledResponses: calls.filter(
          (c) => c.status >= 400 && /Throttl|RequestLimit|PriorRequest/.test(c.error ?? ''),
        ).length,
      };
      expect(run.error).toBeUndefined();
      expect(figures.throttled.throttledResponses).toBeGreaterThan(0);
      await expectConverged('throttle');
    });

    it('5xx (InternalFailure / ServiceUnavailable) on the first try of every mutating operation, then 10% of all calls: converges to the clean state', async () => {
      await fresh(emu, target);
      const operations = [...new Set(cleanMutations)];
      emu.setFaults([
        ...operations.map((op, i) => {
          const [service, operation] = op.split(':') as [string, string];
          return {
            service,
            operation,
            kind: 'error5xx' as const,
            count: 1,
            ...(i % 2 ? { status: 503 } : {}),
          };
        }),
        { kind: 'error5xx', probability: 0.05 },
        { kind: 'error5xx', probability: 0.05, status: 503 },
      ]);
      const run = await runOnce(emu, target, scanner, '5xx');
      const total = run.clients.counter.total();
      figures.serverErrors = {
        commands: total.calls,
        attempts: total.attempts,
        failedResponses: emu.calls().filter((c) => c.status >= 500).length,
      };
      expect(run.error).toBeUndefined();
      expect(figures.serverErrors.failedResponses).toBeGreaterThan(0);
      await expectConverged('5xx');
    });

    it('added latency (3 emulated s on every call): converges to the clean state', async () => {
      await fresh(emu, target);
      emu.setFaults([{ kind: 'latency', latencyMs: 3000 }]);
      const run = await runOnce(emu, target, scanner, 'latency');
      expect(run.error).toBeUndefined();
      await expectConverged('latency');
    });

    it(`IAM propagation (a just-created principal is refused until eks-kit's third retry; docs/AWS-FACTS.md#iam-propagation-delay, terraform-provider-aws#1388)${target.usesRolePrincipal ? '' : ' (no role principal here: must be unaffected)'}`, async () => {
      const world = target.usesRolePrincipal ? freshPrincipalWorld(target) : target.world;
      emu.seed(world);
      // A window no run outlives (10^7 emulated s, hours of real time at speed 1000), closed by the test
      // at the third retry event: the refusals do not depend on how fast the machine reaches CreateRole
      // (a window of 1,500 emulated s was 1.5 real s, which a loaded machine could spend before it).
      emu.behaviour.iamPropagationSeconds = 10_000_000;
      let retries = 0;
      const closeWindow = (event: ProgressEvent): void => {
        if (event.type === 'retry' && ++retries === 3) emu.behaviour.iamPropagationSeconds = 0;
      };
      try {
        await fresh(emu, { ...target, world });
        // fresh() reset to the last seeded world: the principal was made at the reset, so it is fresh now.
        const run = await runOnce(emu, target, scanner, 'propagation', undefined, { onEvent: closeWindow });
        figures.propagationRefusals = emu
          .calls()
          .filter((c) => /MalformedPolicyDocument/.test(c.error ?? '')).length;
        expect(run.error).toBeUndefined();
        if (target.usesRolePrincipal) expect(figures.propagationRefusals).toBeGreaterThan(0);
        emu.behaviour.iamPropagationSeconds = 8;
        await expectConverged('propagation');
      } finally {
        emu.behaviour.iamPropagationSeconds = 8;
        emu.seed(target.world);
      }
    });

    for (const mode of ['after-response', 'response-lost'] as const) {
      const points = cleanMutations.map((operation, index) => ({ n: index + 1, operation }));
      it.each(points)(
        `crash ${mode === 'after-response' ? 'after' : 'with the response lost of'} mutating call $n ($operation), then rerun: converges, no duplicate`,
        async ({ n }) => {
          await fresh(emu, target);
          const loseResponse = mode === 'response-lost';
          const log: CrashLog = { mutations: [], crashed: false };
          const wrap = (c: AwsClients): AwsClients => crashingClients(c, n, { loseResponse }, log).clients;
          const first = await runOnce(emu, target, scanner, `crash ${mode} #${n}`, wrap);
          // Issue 22: apply and destroy run independent steps concurrently, so "after mutating call
          // n" is the n-th write to land in this run (the order between independent steps may differ
          // from the clean run's), every write started after it fails, and writes already in flight
          // land (as they may when a real process dies). Each landed write is one of the clean run's.
          expect(log.mutations.length).toBeGreaterThanOrEqual(n);
          expect(
            isSubMultiset(log.mutations, cleanMutations),
            `${log.mutations} within ${cleanMutations}`,
          ).toBe(true);
          // Writes in flight when the crash came may all land: then the run had nothing left to do.
          if (loseResponse || log.mutations.length < cleanMutations.length)
            expect(first.error, 'the crashed run must fail').toBeDefined();
          const rerun = await runOnce(emu, target, scanner, `rerun after crash ${mode} #${n}`);
          expect(rerun.error, 'the rerun after a crash must succeed').toBeUndefined();
          await expectConverged(`crash ${mode} #${n}`);
        },
      );
    }
  });
}

/** True when every item of `part` occurs in `whole` at least as often. */
function isSubMultiset(part: readonly string[], whole: readonly string[]): boolean {
  const left = new Map<string, number>();
  for (const w of whole) left.set(w, (left.get(w) ?? 0) + 1);
  for (const p of part) {
    const k = left.get(p) ?? 0;
    if (k === 0) return false;
    left.set(p, k - 1);
  }
  return true;
}

function freshPrincipalWorld(target: EnsureTarget): EnsureTarget['world'] {
  const roles = (target.world.iam?.roles ?? []).map((r) => ({ ...r, ageSeconds: 0 }));
  return { ...target.world, iam: { ...target.world.iam, roles } };
}
