/**
 * The CLI's plan, apply, check and destroy enter no AsyncLocalStorage context (issue 21): in Node 20
 * and 22 one makes Node run a promise hook for every promise of the process from then on, which cost
 * `eks-kit plan` of the seed stack about a third of its CPU (docs/PERFORMANCE.md, "The CLI without
 * async hooks"). The built CLI runs as a child process with a preload that counts the contexts its
 * process enters (test/fixtures/count-async-contexts.mjs).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '@eks-kit/aws-emulator';
import { describe, expect, it } from 'vitest';
import { CLI, cliEnv, runProgram, SEED_STACK, tempDir, useSeedEmulator } from './helpers.js';

let emu: Emulator;
useSeedEmulator((e) => {
  emu = e;
});

const preload = new URL('./fixtures/count-async-contexts.mjs', import.meta.url).href;

/** One CLI run against the emulator, with the number of async contexts its process entered. */
async function contextsOf(
  ...args: string[]
): Promise<{ code: number | null; stderr: string; contexts: number }> {
  const file = join(tempDir('eks-kit-contexts-'), 'count');
  const run = await runProgram(
    process.execPath,
    ['--import', preload, CLI, ...args, '--endpoint-url', emu.url],
    {
      env: cliEnv({ EKS_KIT_TEST_CONTEXTS_FILE: file }),
    },
  );
  expect(existsSync(file), `the preload wrote no count (stderr: ${run.stderr})`).toBe(true);
  return { code: run.code, stderr: run.stderr, contexts: Number(readFileSync(file, 'utf8')) };
}

describe('the CLI enters no async context', () => {
  it('plan, apply (first and second), check and destroy of the seed stack', async () => {
    const runs = {
      planBefore: await contextsOf('plan', '-f', SEED_STACK),
      apply: await contextsOf('apply', '-f', SEED_STACK, '--yes'),
      applyAgain: await contextsOf('apply', '-f', SEED_STACK, '--yes'),
      plan: await contextsOf('plan', '-f', SEED_STACK, '--detailed-exitcode'),
      check: await contextsOf('check', '-f', SEED_STACK),
      destroy: await contextsOf('destroy', '-f', SEED_STACK, '--yes'),
    };
    for (const [name, run] of Object.entries(runs)) {
      expect(run.code, `${name}: ${run.stderr}`).toBe(0);
      expect({ [name]: run.contexts }).toEqual({ [name]: 0 });
    }
  }, 120_000);
});
