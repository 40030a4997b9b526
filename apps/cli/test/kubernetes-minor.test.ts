/** Kubernetes minors outside the version map: refused with file:line unless the chart and image are pinned. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '@eks-kit/aws-emulator';
import { EXIT_CODES } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, SEED_STACK, startSeedEmulator, tempDir, writeIn } from './helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startSeedEmulator();
});
afterAll(async () => {
  await emu.stop();
});

const seedText = readFileSync(SEED_STACK, 'utf8');
const oneLine = (text: string) => expect(text.trim().split('\n')).toHaveLength(1);

describe('Kubernetes minors outside the version map', () => {
  const dir = tempDir();
  const future = seedText.replace(/kubernetesVersion: .*/, 'kubernetesVersion: "1.99"');

  it('unpinned: exit 64, one line, file:line, the hint names autoscaler.chartVersion and autoscaler.imageTag', async () => {
    const file = writeIn(dir, 'future.yaml', future);
    const run = await runCli([
      'helm',
      'values',
      '-f',
      file,
      '--account-id',
      '123456789012',
      '--endpoint-url',
      emu.url,
    ]);
    expect(run.code).toBe(EXIT_CODES.invalidInput);
    oneLine(run.stderr);
    expect(run.stderr).toMatch(/future\.yaml:\d+: cluster\.kubernetesVersion/);
    expect(run.stderr).toContain('autoscaler.chartVersion');
    expect(run.stderr).toContain('autoscaler.imageTag');
  });

  it('pinned with autoscaler.chartVersion and autoscaler.imageTag: helm values and render work', async () => {
    const file = writeIn(
      dir,
      'pinned.yaml',
      future.replace(/^autoscaler:\n/m, 'autoscaler:\n  chartVersion: 9.59.0\n  imageTag: v1.99.0\n'),
    );
    const values = await runCli([
      'helm',
      'values',
      '-f',
      file,
      '--account-id',
      '123456789012',
      '--endpoint-url',
      emu.url,
    ]);
    expect(values.stderr).toBe('');
    expect(values.stdout).toMatch(/tag: v1\.99\.0/);
    const out = join(tempDir(), 'out');
    const render = await runCli(['render', '-f', file, '--out', out, '--account-id', '123456789012']);
    expect(render.code).toBe(0);
    expect(readFileSync(join(out, 'helmfile.yaml'), 'utf8')).toContain('9.59.0');
  });
});
