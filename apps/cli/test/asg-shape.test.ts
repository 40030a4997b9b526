import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cliEnv, runCli, startWorldEmulator, tempDir } from './helpers.js';

// issue 19 through the built CLI: node templates from node groups.
const world: World = {
  region: 'ap-northeast-1',
  eks: {
    clusters: [{ name: 'prod' }],
    nodegroups: [
      {
        clusterName: 'prod',
        name: 'gpu',
        autoScalingGroup: 'eks-gpu-4ec6a1b2',
        labels: { role: 'gpu' },
        taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' }],
        minSize: 0,
      },
    ],
  },
  autoscaling: {
    groups: [
      {
        name: 'eks-gpu-4ec6a1b2',
        minSize: 0,
        maxSize: 4,
        desiredCapacity: 0,
        tags: { 'eks:cluster-name': 'prod', 'eks:nodegroup-name': 'gpu' },
      },
      { name: 'plain', minSize: 1, maxSize: 4, desiredCapacity: 4, tags: { 'eks:cluster-name': 'prod' } },
    ],
  },
};
const stackYaml = (templates: string) => `name: ng
cluster:
  name: prod
  region: ap-northeast-1
  kubernetesVersion: "1.35"
autoscaler:
  identity: { mode: pod-identity }
  workerGroups:
    names: [eks-gpu-4ec6a1b2, plain]
${templates}
`;

let emu: Emulator;
let dir: string;
beforeAll(async () => {
  emu = await startWorldEmulator(world);
  dir = tempDir();
});
afterAll(async () => {
  await emu.stop();
});

function stackFile(name: string, templates: string): string {
  const file = join(dir, name);
  writeFileSync(file, stackYaml(templates));
  return file;
}

describe('eks-kit autoscaler tags, node templates from the node group', () => {
  it('nodeTemplates.<group>: from-nodegroup prints the tags read from EKS', async () => {
    const file = stackFile('from.yaml', '  nodeTemplates:\n    eks-gpu-4ec6a1b2: from-nodegroup');
    const run = await runCli(['autoscaler', 'tags', '-f', file, '--endpoint-url', emu.url]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Group eks-gpu-4ec6a1b2 (scale from zero):');
    expect(run.stdout).toContain('k8s.io/cluster-autoscaler/node-template/label/role=gpu');
    expect(run.stdout).toContain(
      'k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu=true:NoSchedule',
    );
  });

  it('--from-nodegroup reads every selected group that has a node group; others are left out', async () => {
    const file = stackFile('plain.yaml', '');
    const run = await runCli([
      'autoscaler',
      'tags',
      '--from-nodegroup',
      '--json',
      '-f',
      file,
      '--endpoint-url',
      emu.url,
    ]);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as {
      nodeTemplates: Record<string, Array<{ key: string; value: string }>>;
    };
    expect(Object.keys(out.nodeTemplates)).toEqual(['eks-gpu-4ec6a1b2']);
    expect(out.nodeTemplates['eks-gpu-4ec6a1b2']).toContainEqual({
      key: 'k8s.io/cluster-autoscaler/node-template/label/eks.amazonaws.com/nodegroup',
      value: 'gpu',
      propagateAtLaunch: false,
    });
  });

  it('from-nodegroup on a group with no node group or user data flags: one-line error naming it, exit 1', async () => {
    const file = stackFile('bad.yaml', '  nodeTemplates:\n    plain: from-nodegroup');
    const run = await runCli(['autoscaler', 'tags', '-f', file, '--endpoint-url', emu.url]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')[0]).toContain('plain: from-nodegroup found no labels or taints');
  });
});

describe('eks-kit autoscaler verify --log: groups at max while pods are pending', () => {
  it('a fail finding naming the group, exit 2; without --log no such finding', async () => {
    const file = stackFile('verify.yaml', '');
    const log = [
      'I1126 09:00:00.000000       1 klogx.go:87] Pod default/web-1 is unschedulable',
      'I1126 09:00:00.100000       1 orchestrator.go:229] Skipping node group plain - max size reached',
    ].join('\n');
    const run = await runCli(
      ['autoscaler', 'verify', '--json', '--log', '-', '-f', file, '--endpoint-url', emu.url],
      {
        input: log,
      },
    );
    expect(run.code).toBe(2);
    const { findings } = JSON.parse(run.stdout) as {
      findings: Array<{ check: string; resource: string; status: string; message: string }>;
    };
    const atMax = findings.filter((f) => f.check === 'autoscaler.max-reached');
    expect(atMax).toHaveLength(1);
    expect(atMax[0]).toMatchObject({ resource: 'autoscaling group plain', status: 'fail' });
    expect(atMax[0]?.message).toContain('(4/4) while 1 pod(s) pending in the log (default/web-1)');
    const without = await runCli(['autoscaler', 'verify', '--json', '-f', file, '--endpoint-url', emu.url]);
    expect(without.stdout).not.toContain('autoscaler.max-reached');
  });

  it('--log naming a missing file is invalid input before any AWS call', async () => {
    const file = stackFile('verify2.yaml', '');
    emu.resetCalls();
    const run = await runCli([
      'autoscaler',
      'verify',
      '--log',
      join(dir, 'nope.log'),
      '-f',
      file,
      '--endpoint-url',
      emu.url,
    ]);
    expect(run.code).not.toBe(0);
    expect(run.code).not.toBe(1);
    expect(run.stderr).toContain('--log');
    expect(emu.calls()).toEqual([]);
  });
});

describe('eks-kit autoscaler logs - reads a live stream', () => {
  /** Start the CLI, feed stdin line by line, and wait for each expected output before the next line. */
  function live(args: string[]) {
    const child = spawn(process.execPath, [CLI, 'autoscaler', 'logs', '-', ...args], {
      env: cliEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return {
      write: (text: string) => child.stdin.write(`${text}\n`),
      end: () => child.stdin.end(),
      stdout: () => stdout,
      stderr: () => stderr,
      closed,
      /**
       * Resolves when stdout contains `text` (stdin still open); rejects if the CLI ends without it.
       * Driven by the output itself, not by a clock: a slow machine only makes it later (the test's
       * own timeout guards against a hang).
       */
      waitFor(text: string): Promise<void> {
        return new Promise((resolve, reject) => {
          const look = (): void => {
            if (!stdout.includes(text)) return;
            child.stdout.off('data', look);
            resolve();
          };
          child.stdout.on('data', look);
          look();
          void closed.then(() => {
            if (!stdout.includes(text))
              reject(new Error(`no "${text}"; stdout: ${stdout}; stderr: ${stderr}`));
          });
        });
      },
    };
  }

  it('prints a finished scale-up and a diagnosis while the stream is still open', async () => {
    const run = live([]);
    run.write(
      'I1126 07:40:02.231876       1 orchestrator.go:565] Final scale-up plan: [{ng-a 2->3 (max: 8)}]',
    );
    run.write(
      'I1126 07:42:03.021457       1 clusterstate.go:292] Scale up in group ng-a finished successfully in 2m0.79s',
    );
    await run.waitFor('scale-up   ng-a 2 -> 3 (max 8), finished in 120.79s');
    expect(run.stdout()).not.toContain('local storage');
    run.write(
      'I1126 07:55:12.310442       1 cluster.go:169] Node ip-10-0-3-40.ap-northeast-1.compute.internal cannot be removed: pod with local storage present: redis-0',
    );
    await run.waitFor('problem: a pod with local storage');
    run.end();
    expect(await run.closed).toBe(0);
    expect(run.stderr()).toMatch(/Read 3 line\(s\) \(klog\)/);
  });

  it('--json: one JSON object a line, each as it arrives, a report line last', async () => {
    const run = live(['--json']);
    run.write(
      'I1126 07:56:00.118126       1 orchestrator.go:229] Skipping node group ng-b - max size reached',
    );
    await run.waitFor('"kind":"diagnosis"');
    run.write('not a log line');
    run.end();
    expect(await run.closed).toBe(0);
    const lines = run
      .stdout()
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { kind: string; type?: string; code?: string; stats?: { malformed: number } },
      );
    expect(lines.map((l) => l.kind)).toEqual(['event', 'diagnosis', 'report']);
    expect(lines[0]).toMatchObject({ type: 'group-at-max', group: 'ng-b' });
    expect(lines[1]).toMatchObject({ code: 'max-size-reached', subject: 'ng-b' });
    expect(lines[2]?.stats?.malformed).toBe(1);
  });
});
