/** Kubernetes minors outside the version map: refused with file:line unless the chart and image are pinned. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '@eks-kit/aws-emulator';
import { EXIT_CODES } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { oneLine, runCli, SEED_TEXT, tempDir, useSeedEmulator, writeIn } from './helpers.js';

let emu: Emulator;
useSeedEmulator((e) => {
  emu = e;
});

describe('Kubernetes minors outside the version map', () => {
  const dir = tempDir();
  const future = SEED_TEXT.replace(/kubernetesVersion: .*/, 'kubernetesVersion: "1.99"');

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
