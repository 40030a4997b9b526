/**
 * Two runs of the same ensure* at the same time (two CI jobs, a retry that overlaps): both must
 * succeed or one may fail cleanly, and in any case the state must equal a single clean run's, with
 * no duplicate, and the next run must make no mutating call. docs/ARCHITECTURE.md#two-kinds-of-code-in-every-package: "two concurrent runs get one
 * certificate" (ensureCertificate's deterministic IdempotencyToken).
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import { afterAll, describe, expect, it } from 'vitest';
import { emulatorClients, startTestEmulator } from './support/emulator.js';
import { duplicates, snapshotState } from './support/state-snapshot.js';
import { type EnsureTarget, ensureTargets } from './support/targets.js';

/** The one target whose concurrent runs can race (see the test). */
const VERSION_RACE_TARGET = 'iam-policies: ensureManagedPolicy';

async function runWith(emu: Emulator, target: EnsureTarget): Promise<unknown> {
  const clients = await emulatorClients(emu);
  try {
    return await target.run(clients, {});
  } finally {
    clients.destroy();
  }
}

async function prepare(emu: Emulator, target: EnsureTarget): Promise<void> {
  emu.reset();
  if (target.setup) {
    const clients = await emulatorClients(emu);
    await target.setup(clients).finally(() => clients.destroy());
  }
  emu.resetCalls();
}

describe('two concurrent runs converge to one clean state', () => {
  const emulators: Emulator[] = [];
  afterAll(async () => {
    await Promise.all(emulators.map((e) => e.stop()));
  });

  it.each(ensureTargets().map((t) => [t.name, t] as const))('%s', async (_name, target) => {
    const emu = await startTestEmulator(target.world, target.behaviour ?? {});
    emulators.push(emu);
    await prepare(emu, target);
    await runWith(emu, target);
    const clean = snapshotState(emu.state);

    await prepare(emu, target);
    // Latency on every call makes the two runs overlap: both read "missing" before either writes.
    emu.setFaults([{ kind: 'latency', latencyMs: 20_000 }]);
    const outcomes = await Promise.allSettled([runWith(emu, target), runWith(emu, target)]);
    emu.setFaults([]);
    const failures = outcomes.flatMap((o) =>
      o.status === 'rejected' ? [String((o.reason as Error)?.message ?? o.reason)] : [],
    );
    if (target.name.startsWith(VERSION_RACE_TARGET)) {
      // KNOWN (reported to iam-policies): both runs see 5 versions and delete the same oldest one;
      // the second DeletePolicyVersion gets NoSuchEntity. At most one run fails, naming the call,
      // and a rerun converges.
      expect(failures.length).toBeLessThanOrEqual(1);
      for (const f of failures) expect(f).toMatch(/^iam:DeletePolicyVersion .*NoSuchEntity/);
      await runWith(emu, target);
    } else {
      expect(failures, 'both concurrent runs succeed').toEqual([]);
    }
    const now = snapshotState(emu.state);
    expect(duplicates(now)).toEqual([]);
    expect(now).toEqual(clean);
    emu.resetCalls();
    await runWith(emu, target);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });
});
