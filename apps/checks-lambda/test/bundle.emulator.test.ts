/**
 * The built bundle `dist/index.mjs`, run by plain node as Lambda runs it, against the emulator: proves
 * the one file carries everything its checks need (no file read from a package directory at run time).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { type BundleRun, copyFunction, FUNCTION_DIR, invokeBundle } from './fixtures/run-bundle.js';
import { fixtureStack, fixtureText } from './fixtures/stack-files.js';
import { CHECKS_ROLE, fixtureWorld, REGION } from './fixtures/world.js';

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

describe("a sandbox whose checks' code cannot be imported (issue 21)", () => {
  /** Two invocations in one process (one Lambda sandbox): each one's error and what it logged. */
  async function twoInvocations(
    index: string,
    extraEnv: Record<string, string> = {},
  ): Promise<Array<{ error: string; logged: string[] }>> {
    const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(index).href)});
for (let i = 0; i < 2; i++) {
  try { await handler({}, { getRemainingTimeInMillis: () => 60000 }); console.log('RESULT ok'); }
  catch (e) { console.log('RESULT ' + JSON.stringify(String(e && e.message))); }
  console.error('INVOCATION-END');
}`;
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      {
        env: {
          PATH: process.env.PATH,
          EKS_KIT_STACK: fixtureText(),
          AWS_REGION: REGION,
          AWS_ENDPOINT_URL: emu.url,
          AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'secret',
          ...extraEnv,
        },
      },
    );
    // Powertools writes errors to stderr; each invocation's part of it ends with a marker line.
    const parts = stderr.split('INVOCATION-END\n').slice(0, 2);
    const results = stdout.split('\n').filter((l) => l.startsWith('RESULT '));
    expect(results).toHaveLength(2);
    return results.map((r, i) => ({
      error: r.slice('RESULT '.length),
      logged: (parts[i] ?? '')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: string; message: string; error?: string })
        .filter((l) => l.level === 'ERROR')
        .map((l) => `${l.message}: ${l.error}`),
    }));
  }

  it('a missing file: every invocation fails naming it (Node retries a file it could not find)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-kit-lambda-no-checks-'));
    try {
      const runs = await twoInvocations(copyFunction(dir, (name) => /^run-checks-/.test(name)));
      for (const run of runs) {
        expect(run.error).toMatch(/^"the checks' code could not be loaded: .*run-checks-.*\.mjs/);
        expect(run.logged).toEqual([
          expect.stringMatching(
            /^eks-kit checks could not run: the checks' code .*run-checks-.*\.mjs.*\(hint: deploy every \.mjs file/,
          ),
        ]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a stack that cannot be read while the checks' import fails: the stack's error, no unhandled rejection", async () => {
    // The import starts beside the stack read and fails after the invocation answered; an unhandled
    // rejection would end the process (Node's default) with exit code 1, and execFile would throw.
    const dir = mkdtempSync(join(tmpdir(), 'eks-kit-lambda-no-checks-'));
    try {
      const index = copyFunction(dir, (name) => /^run-checks-/.test(name));
      const runs = await twoInvocations(index, {
        EKS_KIT_STACK: '',
        EKS_KIT_STACK_PARAMETER: '/eks-kit/not-there/stack',
      });
      for (const run of runs) {
        expect(run.error).toContain('/eks-kit/not-there/stack');
        expect(run.logged).toEqual([expect.stringMatching(/^eks-kit checks could not run: .*not-there/)]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file that throws when evaluated: every later invocation of the sandbox fails with the same error', async () => {
    // Node's ES module loader keeps a module that threw: the sandbox answers that error until Lambda
    // replaces it (with the one-file build the same error failed the init instead).
    const dir = mkdtempSync(join(tmpdir(), 'eks-kit-lambda-bad-checks-'));
    try {
      const index = copyFunction(dir);
      const [checksFile] = functionFiles(dir).filter((name) => /^run-checks-/.test(name));
      writeFileSync(join(dir, checksFile as string), 'throw new Error("checks code broken at load");\n');
      const runs = await twoInvocations(index);
      for (const run of runs) {
        expect(run.error).toMatch(/^"the checks' code could not be loaded: checks code broken at load/);
        expect(run.logged).toEqual([
          expect.stringMatching(
            /^eks-kit checks could not run: the checks' code .*\(hint: deploy every \.mjs file/,
          ),
        ]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the SDK's lazily imported files (issue 21)", () => {
  const env = (extra: Record<string, string> = {}) => ({
    EKS_KIT_STACK: fixtureText(),
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: emu.url,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    ...extra,
  });
  /** The files no entry imports statically: loaded only by an `import()` the SDK runs when it needs them. */
  const lazyFiles = () => {
    const entries = functionFiles(FUNCTION_DIR).filter(
      (f) => f === 'index.mjs' || f === 'stack-loader.mjs' || /^run-checks-/.test(f),
    );
    const loaded = new Set(entries.flatMap((entry) => importClosure(FUNCTION_DIR, entry)));
    return functionFiles(FUNCTION_DIR).filter((f) => !loaded.has(f));
  };
  /** Code of the credential providers a Lambda never needs (its credentials are in its environment). */
  const UNUSED_PROVIDERS = /fromSSO|fromIni|fromProcess|fromTokenFile|fromContainerMetadata|CognitoIdentity/;
  const lazyLoaded = (run: BundleRun) => {
    const lazy = new Set(lazyFiles());
    return run.loaded.filter((f) => lazy.has(f));
  };

  it("a run in its own account loads the default credential chain's entry only, no provider it never uses", async () => {
    const lazy = lazyFiles();
    // The markers are in lazy files (else the last assertion could not fail).
    expect(
      lazy.filter((f) => UNUSED_PROVIDERS.test(readFileSync(join(FUNCTION_DIR, f), 'utf8'))).length,
    ).toBeGreaterThan(3);
    const run = await invokeBundle(env());
    expect(run.summary.checkErrors).toBe(0);
    const loaded = lazyLoaded(run);
    // The SDK imports its default credential chain (a re-export of code index.mjs holds) at the first call.
    expect(loaded).toHaveLength(1);
    expect(loaded.filter((f) => UNUSED_PROVIDERS.test(readFileSync(join(FUNCTION_DIR, f), 'utf8')))).toEqual(
      [],
    );
  });

  it("a run through assumed roles loads nothing more: AssumeRole goes through the bundle's own STS client", async () => {
    const run = await invokeBundle(env({ EKS_KIT_ASSUME_ROLE_ARNS: CHECKS_ROLE }));
    expect(run.summary.findings.filter((f) => f.check === 'checks.assume-role')).toEqual([]);
    expect(emu.calls({ service: 'sts', operation: 'AssumeRole' }).length).toBeGreaterThan(0);
    const loaded = lazyLoaded(run);
    // Core assumes roles through one STS client of the client set (issue 21), not the SDK's
    // fromTemporaryCredentials, whose own STS client was a lazily imported file (loadSts-*.mjs).
    expect(loaded).toHaveLength(1);
    expect(loaded.filter((f) => /^loadSts-/.test(f))).toEqual([]);
    expect(loaded.filter((f) => UNUSED_PROVIDERS.test(readFileSync(join(FUNCTION_DIR, f), 'utf8')))).toEqual(
      [],
    );
  });
});
