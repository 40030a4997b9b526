/**
 * An interactive `apply --prune` (a confirm callback) and validation records (review of issue 21): the
 * confirm's dry run must not claim the records the deletes after it decide (the prune left every pruned
 * certificate's record, and did not say so), and the prune after writes made in the apply's fresh run
 * must read AWS as it now is (a certificate the writes just requested needs the record of its name).
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import type { AwsClients, Change } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { applyStack } from '../src/index.js';
import {
  after,
  barValidationRecords,
  before,
  certificateList,
  certificatesWorld,
  inClusterRegion,
  moved,
} from './support/certificate-regions.js';
import { useStackEmulator } from './support/emulator.js';

let emu: Emulator;
let clients: AwsClients;
useStackEmulator(certificatesWorld([]), 'reset', (e, c) => {
  emu = e;
  clients = c;
});

describe('apply --prune with a confirm: validation records', () => {
  for (const mode of ['yes', 'confirm'] as const)
    it(`a certificate gone from the file, prune with ${mode}: it and its validation record go, as confirmed`, async () => {
      await applyStack(clients, before, { yes: true, wait: false });
      expect(barValidationRecords(emu)).toHaveLength(1);
      let asked: Change[] = [];
      const r = await applyStack(clients, after, {
        prune: true,
        regions: ['eu-west-1'],
        wait: false,
        ...(mode === 'yes'
          ? { yes: true }
          : {
              confirm: async (changes: readonly Change[]) => {
                asked = [...changes];
                return true;
              },
            }),
      });
      expect(certificateList(emu)).toEqual([]);
      expect(barValidationRecords(emu)).toHaveLength(0);
      // What was confirmed is what was done.
      if (mode === 'confirm') expect(r.changes.map((c) => c.summary)).toEqual(asked.map((c) => c.summary));
      expect(r.orphans).toEqual([]);
    });

  it('a certificate moved to another region, prune with a confirm (allRegions): the record the new certificate needs is kept', async () => {
    await applyStack(clients, before, { yes: true, wait: false });
    expect(barValidationRecords(emu)).toHaveLength(1);
    await applyStack(clients, moved, {
      prune: true,
      allRegions: true,
      wait: false,
      confirm: async () => true,
    });
    expect(certificateList(emu)).toEqual(['us-east-1 bar.foo.example.com']);
    expect(barValidationRecords(emu)).toHaveLength(1);
  });

  it('the same with yes', async () => {
    await applyStack(clients, before, { yes: true, wait: false });
    await applyStack(clients, moved, { prune: true, allRegions: true, wait: false, yes: true });
    expect(certificateList(emu)).toEqual(['us-east-1 bar.foo.example.com']);
    expect(barValidationRecords(emu)).toHaveLength(1);
  });

  it('moved from the cluster region, prune with a confirm and no flag: the record is kept', async () => {
    await applyStack(clients, inClusterRegion, { yes: true, wait: false });
    await applyStack(clients, moved, { prune: true, wait: false, confirm: async () => true });
    expect(certificateList(emu)).toEqual(['us-east-1 bar.foo.example.com']);
    expect(barValidationRecords(emu)).toHaveLength(1);
  });
});
