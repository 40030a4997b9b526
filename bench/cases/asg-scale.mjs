// 10,000 Auto Scaling groups tagged for auto-discovery, then discovered: API calls, wall time and the
// client's peak RSS, beside two floors measured in the same run, each in a fresh process: Node with the
// SDK clients the work uses loaded (one call each), and that plus the SDK reading the same pages while
// keeping nothing. The emulator runs as its own process so the RSS is eks-kit's alone, and the work
// runs in a fresh worker process so earlier cases do not inflate it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export async function run({ quick, root }) {
  const count = quick ? 2000 : 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'eks-kit-asg-'));
  const world = join(dir, 'world.json');
  writeFileSync(
    world,
    JSON.stringify({
      region: 'ap-northeast-1',
      ec2: { launchTemplates: [{ name: 'workers', instanceType: 'm5.large' }] },
      autoscaling: {
        generate: {
          count,
          prefix: 'ng',
          launchTemplate: { name: 'workers' },
          minSize: 1,
          maxSize: 10,
          desiredCapacity: 2,
        },
      },
    }),
  );
  const emulator = spawn(
    process.execPath,
    [
      join(root, 'packages/aws-emulator/bin/eks-kit-emulator.js'),
      '--port',
      '0',
      '--speed',
      '1000',
      '--seed',
      world,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const url = await new Promise((resolve, reject) => {
      emulator.once('error', reject);
      emulator.stdout.once('data', (chunk) => {
        const match = /listening on (http:\/\/\S+)/.exec(String(chunk));
        match ? resolve(match[1]) : reject(new Error(`unexpected emulator output: ${chunk}`));
      });
    });
    const runWorker = (mode) => {
      const worker = spawnSync(process.execPath, [join(here, 'asg-scale-worker.mjs'), url, 'ng', mode], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      if (worker.status !== 0) throw new Error(`worker (${mode}) failed: ${worker.stderr}`);
      return JSON.parse(worker.stdout.trim().split('\n').pop());
    };
    // Floor first (the world as seeded), then the work, then the SDK reading the same pages.
    const floor = runWorker('floor');
    const out = runWorker('work');
    const floorPages = runWorker('floor-pages');
    const calls = (list) => list.map((c) => `${c.operation} ${c.calls}`).join(', ');
    const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;
    return {
      rows: [
        {
          step: `tag ${count} groups (ensureAutoDiscoveryTags)`,
          calls: calls(out.tag.calls),
          wall: `${(out.tag.ms / 1000).toFixed(2)} s`,
          groups: out.tag.groups,
        },
        {
          step: 'second run (idempotent)',
          calls: calls(out.retag.calls),
          wall: `${(out.retag.ms / 1000).toFixed(2)} s`,
          groups: out.retag.changes + ' changes',
        },
        {
          step: `discover ${count} groups (discoverNodeGroups)`,
          calls: calls(out.discover.calls),
          wall: `${(out.discover.ms / 1000).toFixed(2)} s`,
          groups: out.discover.groups,
        },
        { step: 'peak RSS of the eks-kit process', calls: '', wall: mib(out.maxRssKiB), groups: '' },
        {
          step: 'floor: Node + SDK Auto Scaling and EC2 clients, one call each',
          calls: 'DescribeAutoScalingGroups 1, DescribeLaunchTemplateVersions 1',
          wall: mib(floor.maxRssKiB),
          groups: '',
        },
        {
          step: 'floor + the SDK reading the same pages, keeping nothing',
          calls: `DescribeAutoScalingGroups ${Math.ceil(floorPages.groups / 100)}, DescribeLaunchTemplateVersions 1`,
          wall: mib(floorPages.maxRssKiB),
          groups: floorPages.groups,
        },
        {
          step: 'eks-kit above the floor + pages',
          calls: '',
          wall: mib(out.maxRssKiB - floorPages.maxRssKiB),
          groups: '',
        },
      ],
      count,
      floorMaxRssKiB: floor.maxRssKiB,
      floorPagesMaxRssKiB: floorPages.maxRssKiB,
      ...out,
    };
  } finally {
    emulator.kill('SIGTERM');
  }
}
