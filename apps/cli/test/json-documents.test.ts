/**
 * `--json` on the commands that print a rendered YAML file (issue 21, new-user trial: they printed
 * YAML): `helm values`, `helm helmfile`, `autoscaler values` and `ecr ci-job` print the same document
 * as one JSON document, what a CI step can hand to jq.
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, SEED_STACK, startSeedEmulator } from './helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startSeedEmulator();
});
afterAll(async () => {
  await emu.stop();
});

const cli = (...args: string[]) => runCli([...args, '-f', SEED_STACK, '--endpoint-url', emu.url]);
const ACCOUNT = ['--account-id', '123456789012'];

const COMMANDS: Array<{ args: string[]; has: (doc: Record<string, unknown>) => unknown }> = [
  { args: ['helm', 'values', ...ACCOUNT], has: (d) => d.autoDiscovery },
  { args: ['helm', 'values', '--chart', 'metrics-server', ...ACCOUNT], has: (d) => d.apiService },
  { args: ['helm', 'helmfile'], has: (d) => d.releases },
  { args: ['autoscaler', 'values', ...ACCOUNT], has: (d) => d.autoDiscovery },
  { args: ['ecr', 'ci-job', ...ACCOUNT], has: (d) => d['build-image'] },
];

describe('--json on the commands that print a YAML file', () => {
  for (const { args, has } of COMMANDS)
    it(`${args.join(' ')} --json prints the same document as JSON`, async () => {
      const yaml = await cli(...args);
      const json = await cli(...args, '--json');
      expect([yaml.code, json.code]).toEqual([0, 0]);
      expect(json.stderr).toBe('');
      const doc = JSON.parse(json.stdout) as Record<string, unknown>;
      expect(doc).toEqual(parse(yaml.stdout));
      expect(has(doc)).toBeDefined();
      expect(json.stdout.trimStart().startsWith('{')).toBe(true);
    });
});
