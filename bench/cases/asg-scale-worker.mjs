// Worker of asg-scale.mjs against the emulator at argv[2]. Mode (argv[4]):
// - `work` (default): tags then discovers every group, as eks-kit does;
// - `floor`: Node + the SDK clients that work uses (Auto Scaling, then EC2) loaded and one call each;
// - `floor-pages`: the floor plus every DescribeAutoScalingGroups page the work reads (100 groups each,
//   three passes, run after the work so the groups carry its tags), keeping nothing: what the SDK alone
//   costs to read them.
// Prints one JSON line; maxRssKiB is the process's peak RSS, importedRssKiB the RSS once the modules
// are loaded (before any call). Run with --expose-gc, `work` also reports the live heap after a full
// GC at every DescribeAutoScalingGroups page (pages.maxLiveKiB): what eks-kit and the SDK still hold.
process.removeAllListeners('warning');
const [url, prefix, mode = 'work'] = process.argv.slice(2);
const endpoint = {
  region: 'ap-northeast-1',
  endpoint: url,
  credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
};

if (mode === 'floor' || mode === 'floor-pages') {
  // The same SDK packages asg-discovery resolves, loaded as Node loads them for it, in the order the
  // work loads them: Auto Scaling first, EC2 for the last call (asg-discovery loads it there).
  const { createRequire } = await import('node:module');
  const { pathToFileURL } = await import('node:url');
  const from = createRequire(new URL('../../packages/asg-discovery/package.json', import.meta.url));
  const esm = (name) => import(pathToFileURL(from.resolve(name)).href);
  const { AutoScalingClient, DescribeAutoScalingGroupsCommand, paginateDescribeAutoScalingGroups } =
    await esm('@aws-sdk/client-auto-scaling');
  const importedRssKiB = Math.round(process.memoryUsage().rss / 1024);
  const asg = new AutoScalingClient(endpoint);
  let groups = 0;
  if (mode === 'floor') {
    await asg.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 1 }));
  } else {
    // As the work reads them: two passes without instances (tagging, the idempotent second run),
    // one with (discovery).
    for (const IncludeInstances of [false, false, true])
      for await (const page of paginateDescribeAutoScalingGroups(
        { client: asg, pageSize: 100 },
        { MaxRecords: 100, IncludeInstances },
      ))
        groups += page.AutoScalingGroups?.length ?? 0;
  }
  const beforeEc2RssKiB = Math.round(process.memoryUsage().rss / 1024);
  const { EC2Client, DescribeLaunchTemplateVersionsCommand } = await esm('@aws-sdk/client-ec2');
  const ec2LoadedRssKiB = Math.round(process.memoryUsage().rss / 1024);
  const ec2 = new EC2Client(endpoint);
  await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'workers', Versions: ['$Default'] }),
  );
  asg.destroy();
  ec2.destroy();
  console.log(
    JSON.stringify({
      mode,
      groups,
      importedRssKiB,
      beforeEc2RssKiB,
      ec2LoadedRssKiB,
      maxRssKiB: process.resourceUsage().maxRSS,
    }),
  );
  process.exit(0);
}

const { discoverNodeGroups, ensureAutoDiscoveryTags } = await import('@eks-kit/asg-discovery');
const { createClients } = await import('@eks-kit/core');
// Memory once the modules are loaded, before any call.
const importedRssKiB = Math.round(process.memoryUsage().rss / 1024);
// Per page (after each DescribeAutoScalingGroups answer): the RSS, and with --expose-gc the live heap
// after a full collection (what eks-kit and the SDK still hold), so the bench can show whether what
// is live grows with the pages while the RSS is V8's growth policy. Forcing a GC per page changes
// the RSS, so the RSS figure of the bench comes from a run without it.
const pages = { count: 0, maxRssKiB: 0, maxLiveKiB: 0, live: [] };
const sample = {
  name: 'benchMemorySample',
  handler: () => (next, context) => async (args) => {
    const out = await next(args);
    if (context.commandName === 'DescribeAutoScalingGroupsCommand') {
      pages.count++;
      if (globalThis.gc) {
        globalThis.gc();
        const live = Math.round(process.memoryUsage().heapUsed / 1024);
        pages.live.push(live);
        pages.maxLiveKiB = Math.max(pages.maxLiveKiB, live);
      }
      const m = process.memoryUsage();
      if (m.rss / 1024 > pages.maxRssKiB)
        pages.atMaxRss = {
          heapTotalKiB: m.heapTotal >> 10,
          heapUsedKiB: m.heapUsed >> 10,
          externalKiB: m.external >> 10,
        };
      pages.maxRssKiB = Math.max(pages.maxRssKiB, Math.round(m.rss / 1024));
    }
    return out;
  },
};
const clients = await createClients({ ...endpoint, middleware: [sample] });
// Each phase keeps what it reports (counts) and lets its result go, as a command that prints a
// result and moves on does; the peak RSS after each phase shows which phase sets the peak.
const peakMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const timed = async (fn, keep) => {
  clients.counter.reset();
  const start = performance.now();
  const kept = keep(await fn());
  return { ...kept, ms: performance.now() - start, calls: clients.counter.snapshot(), peakMiB: peakMiB() };
};
const tag = await timed(
  () => ensureAutoDiscoveryTags(clients, { cluster: 'bench', select: { namePrefix: prefix } }),
  (r) => ({ groups: r.groups?.length ?? r.changes.length }),
);
const retag = await timed(
  () => ensureAutoDiscoveryTags(clients, { cluster: 'bench', select: { namePrefix: prefix } }),
  (r) => ({ changes: r.changes.length }),
);
const discover = await timed(
  () => discoverNodeGroups(clients, { cluster: 'bench' }),
  (groups) => ({ groups: groups.length }),
);
clients.destroy();
console.log(
  JSON.stringify({
    mode,
    tag,
    retag,
    discover,
    importedRssKiB,
    pages: {
      count: pages.count,
      maxRssKiB: pages.maxRssKiB,
      maxLiveKiB: pages.maxLiveKiB,
      atMaxRss: pages.atMaxRss,
    },
    live: pages.live,
    maxRssKiB: process.resourceUsage().maxRSS,
  }),
);
