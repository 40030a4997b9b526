/**
 * Issue 15, "one load step that checks everything": fields that were checked only when rendering
 * or applying (gitlab.image/context/dockerfile, metricsServer.args and chartVersion, a repository
 * name too long for its cache repository, a certificate region in another partition, an issuer
 * without a path, flags the chart's manifest or helmfile would misread) are refused by plan, check,
 * render and apply alike: exit 64 (EXIT_CODES.invalidInput), one line with file:line and the field, not one AWS call.
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import { EXIT_CODES } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { cliEnv, runCli, seedWith, tempDir, useSeedEmulator, writeIn } from './helpers.js';

let emu: Emulator;
useSeedEmulator((e) => {
  emu = e;
});

/** [what, stack text, field the one-line error must name]. */
const CASES: [string, string, string][] = [
  ['gitlab.context $(id)', seedWith('context: .', "context: '$(id)'"), 'gitlab.context'],
  ['gitlab.context backticks', seedWith('context: .', "context: '`id`'"), 'gitlab.context'],
  [
    'gitlab.dockerfile ; id',
    seedWith('dockerfile: Dockerfile', "dockerfile: 'Dockerfile; id'"),
    'gitlab.dockerfile',
  ],
  [
    'gitlab.image',
    seedWith('dockerfile: Dockerfile', "dockerfile: Dockerfile\n  image: 'kaniko:$(id)'"),
    'gitlab.image',
  ],
  [
    'metricsServer.args',
    seedWith(
      'metricsServer:\n  enabled: true',
      'metricsServer:\n  enabled: true\n  args: [kubelet-insecure-tls]',
    ),
    'metricsServer.args[0]',
  ],
  [
    'metricsServer.chartVersion',
    seedWith('metricsServer:\n  enabled: true', 'metricsServer:\n  enabled: true\n  chartVersion: "3.x"'),
    'metricsServer.chartVersion',
  ],
  [
    'repository too long for its cache repository',
    seedWith(/seed\/app/g, `seed/${'a'.repeat(246)}`),
    'repositories[0].name',
  ],
  [
    'certificate region in another partition',
    seedWith('keyAlgorithm: RSA_2048', 'keyAlgorithm: RSA_2048\n    region: cn-north-1'),
    'certificates[0].region',
  ],
  [
    'issuer without a path',
    seedWith('  # oidcIssuer is read', '  oidcIssuer: https://oidc.example.com\n  # oidcIssuer is read'),
    'cluster.oidcIssuer',
  ],
  [
    'runner namespace that is not a DNS label',
    seedWith('namespace: gitlab-runner', 'namespace: gitlab.runner'),
    'gitlab.runner.namespace',
  ],
  [
    'worker group name with a control character',
    seedWith('names: [seed-workers-a, seed-workers-b]', 'names: ["seed-workers-a\\t", seed-workers-b]'),
    'autoscaler.workerGroups.names[0]',
  ],
  [
    'kube2iam worker role in another partition',
    seedWith(
      '    mode: irsa',
      '    mode: kube2iam\n    workerRoleArns: ["arn:aws-us-gov:iam::123456789012:role/workers"]',
    ),
    'autoscaler.identity.workerRoleArns[0]',
  ],
  [
    'unchecked flag the chart manifest would misread',
    seedWith('  extraArgs:\n', "  uncheckedExtraArgs:\n    new-flag: 'a: b'\n  extraArgs:\n"),
    'autoscaler.uncheckedExtraArgs.new-flag',
  ],
];

const COMMANDS: [string, string[]][] = [
  ['plan', ['plan']],
  ['check', ['check']],
  ['render', ['render', '--out', tempDir('eks-kit-render-bad-')]],
  ['apply', ['apply', '--yes']],
];

describe.concurrent('refused when the stack is loaded, by every command (issue 15)', () => {
  let count = 0;
  for (const [what, text, field] of CASES) {
    for (const [command, args] of COMMANDS) {
      count++;
      const accessKeyId = `AKIDLOADALL${String(count).padStart(4, '0')}`;
      it(`${command}: ${what}`, async () => {
        const file = writeIn(tempDir(), 'eks-kit.yaml', text);
        const run = await runCli([...args, '-f', file, '--endpoint-url', emu.url], {
          env: cliEnv({ AWS_ACCESS_KEY_ID: accessKeyId }),
        });
        expect(run.code, `stderr: ${run.stderr}`).toBe(EXIT_CODES.invalidInput);
        const message = run.stderr.trimEnd();
        expect(message.split('\n'), message).toHaveLength(1);
        const escaped = field.replace(/[.[\]]/g, '\\$&');
        expect(message).toMatch(new RegExp(`eks-kit\\.yaml:\\d+: ${escaped}: expected `));
        expect(run.stdout).toBe('');
        expect(emu.calls().filter((call) => call.accessKeyId === accessKeyId)).toEqual([]);
      });
    }
  }
});
