/**
 * The built bundle `dist/index.mjs`, run by plain node as Lambda runs it, against the emulator: proves
 * the one file carries everything its checks need (no file read from a package directory at run time).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Emulator, startEmulator } from '@eks-kit/aws-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emfLines } from './fixtures/capture-output.js';
import { fixtureText } from './fixtures/stack-files.js';
import { fixtureWorld, REGION } from './fixtures/world.js';

const BUNDLE = new URL('../dist/index.mjs', import.meta.url).href;
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed: fixtureWorld() });
});
afterAll(async () => {
  await emu?.stop();
});

describe('the bundle dist/index.mjs', () => {
  it('runs every check of the stack without a check error, printing JSON logs and EMF', async () => {
    const script = `const { handler } = await import(${JSON.stringify(BUNDLE)});
const summary = await handler({}, { getRemainingTimeInMillis: () => 120000 });
process.stdout.write('SUMMARY ' + JSON.stringify(summary) + '\\n');`;
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
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const summaryLine = stdout.split('\n').find((l) => l.startsWith('SUMMARY '));
    const summary = JSON.parse(summaryLine?.slice('SUMMARY '.length) ?? '{}') as {
      checkErrors: number;
      findings: Array<{ check: string; status: string; message: string }>;
    };
    const errors = summary.findings
      .filter((f) => /failed: /.test(f.message))
      .map((f) => `${f.check}: ${f.message}`);
    expect(errors).toEqual([]);
    expect(summary.checkErrors).toBe(0);
    // Nothing is applied in this world: the drift checks report what apply would do.
    expect(summary.findings.some((f) => f.check === 'drift.autoscaler.role' && f.status === 'fail')).toBe(
      true,
    );
    const lines = `${stdout}\n${stderr}`
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(emfLines(lines).some((l) => 'Failures' in l)).toBe(true);
    expect(lines.some((l) => typeof l.finding === 'object')).toBe(true);
  });
});
