/**
 * The built bundle `dist/index.mjs`, run by plain node as Lambda runs it, against the emulator: proves
 * the one file carries everything its checks need (no file read from a package directory at run time).
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emfLines } from './fixtures/capture-output.js';
import { invokeBundle } from './fixtures/run-bundle.js';
import { fixtureText } from './fixtures/stack-files.js';
import { fixtureWorld, REGION } from './fixtures/world.js';

let emu: Emulator;

beforeAll(async () => {
  emu = (await startTestEmulator({ seed: fixtureWorld() })).emulator;
});
afterAll(async () => {
  await emu?.stop();
});

describe('the bundle dist/index.mjs', () => {
  it('runs every check of the stack without a check error, printing JSON logs and EMF', async () => {
    const { summary, lines } = await invokeBundle({
      EKS_KIT_STACK: fixtureText(),
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: emu.url,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    const errors = summary.findings
      .filter((f) => /failed: /.test(f.message))
      .map((f) => `${f.check}: ${f.message}`);
    expect(errors).toEqual([]);
    expect(summary.checkErrors).toBe(0);
    // Nothing is applied in this world: the drift checks report what apply would do.
    expect(summary.findings.some((f) => f.check === 'drift.autoscaler.role' && f.status === 'fail')).toBe(
      true,
    );
    expect(emfLines(lines).some((l) => 'Failures' in l)).toBe(true);
    expect(lines.some((l) => typeof l.finding === 'object')).toBe(true);
  });
});
