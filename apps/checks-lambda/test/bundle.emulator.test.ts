/**
 * The built bundle `dist/index.mjs`, run by plain node as Lambda runs it, against the emulator: proves
 * the one file carries everything its checks need (no file read from a package directory at run time).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamicImportsOf, functionFiles, importClosure } from '../scripts/function-files.mjs';
import { stackCheckTasks } from '../src/index.js';
import { emfLines } from './fixtures/capture-output.js';
import { copyFunction, FUNCTION_DIR, invokeBundle } from './fixtures/run-bundle.js';
import { fixtureStack, fixtureText } from './fixtures/stack-files.js';
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

describe("the checks' code, a file of its own (issue 21)", () => {
  const env = () => ({
    EKS_KIT_STACK: fixtureText(),
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: emu.url,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
  });
  const isChecksCode = (name: string) => /^run-checks-.*\.mjs$/.test(name);

  it('is imported by index.mjs on demand, not by the files a cold start imports', () => {
    const checksCode = functionFiles(FUNCTION_DIR).filter(isChecksCode);
    expect(checksCode).toHaveLength(1);
    expect(dynamicImportsOf(readFileSync(join(FUNCTION_DIR, 'index.mjs'), 'utf8'))).toContain(checksCode[0]);
    const atImport = importClosure(FUNCTION_DIR);
    expect(atImport).toContain('index.mjs');
    expect(atImport.filter(isChecksCode)).toEqual([]);
    // Every file a cold start imports is one of the function's files (what the deploy step zips).
    expect(functionFiles(FUNCTION_DIR)).toEqual(expect.arrayContaining(atImport));
  });

  it("holds the checks' code: none of it is in the files a cold start imports, whatever their names", () => {
    // The names above prove nothing alone: a static import of the checks (or of a module only they
    // use) in handler.ts puts their code in a chunk index.mjs imports, and run-checks-*.mjs stays a
    // small file of the same name. The check ids are string literals of the checks' code.
    const ids = stackCheckTasks(fixtureStack()).map((t) => t.name);
    const textOf = (files: string[]) =>
      files.map((f) => readFileSync(join(FUNCTION_DIR, f), 'utf8')).join('\n');
    const everything = textOf(functionFiles(FUNCTION_DIR));
    const inFunction = ids.filter((id) => everything.includes(`"${id}"`));
    // The markers are in the function's code (else this test could not fail).
    expect(inFunction).toContain('autoscaler.setup');
    const atColdStart = textOf(importClosure(FUNCTION_DIR));
    expect(inFunction.filter((id) => atColdStart.includes(`"${id}"`))).toEqual([]);
    // ... and every one is in the files the checks' code imports.
    const [checksFile] = functionFiles(FUNCTION_DIR).filter(isChecksCode);
    const checksText = textOf(importClosure(FUNCTION_DIR, checksFile as string));
    expect(inFunction.filter((id) => !checksText.includes(`"${id}"`))).toEqual([]);
  });

  it('loads without it, and the first invocation then fails naming it (so the test can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-kit-lambda-no-checks-'));
    try {
      const index = copyFunction(dir, isChecksCode);
      // The import (Lambda's init) needs none of the checks' code.
      const imported = await promisify(execFile)(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(pathToFileURL(index).href)}); process.stdout.write(typeof m.handler);`,
        ],
        { env: { PATH: process.env.PATH, ...env() } },
      );
      expect(imported.stdout).toBe('function');
      await expect(invokeBundle(env(), index)).rejects.toThrow(/run-checks-.*\.mjs/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
