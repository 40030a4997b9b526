// Worker of asg-scale.mjs against the emulator at argv[2]. Mode (argv[4]):
// - `work` (default): tags then discovers every group, as eks-kit does;
// - `floor`: Node + the SDK clients that work uses (Auto Scaling, EC2) loaded and one call each;
// - `floor-pages`: the floor plus every DescribeAutoScalingGroups page the work reads (100 groups each,
//   three passes, run after the work so the groups carry its tags), keeping nothing: what the SDK alone
//   costs to read them.
// Prints one JSON line; maxRssKiB is the process's peak RSS.
process.removeAllListeners('warning');
const [url, prefix, mode = 'work'] = process.argv.slice(2);
const endpoint = {
  region: 'ap-northeast-1',
  endpoint: url,
  credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
};

if (mode === 'floor' || mode === 'floor-pages') {
  // The same SDK packages asg-discovery resolves, loaded as Node loads them for it.
  const { createRequire } = await import('node:module');
  const { pathToFileURL } = await import('node:url');
  const from = createRequire(new URL('../../packages/asg-discovery/package.json', import.meta.url));
  const esm = (name) => import(pathToFileURL(from.resolve(name)).href);
  const { AutoScalingClient, DescribeAutoScalingGroupsCommand, paginateDescribeAutoScalingGroups } =
    await esm('@aws-sdk/client-auto-scaling');
  const { EC2Client, DescribeLaunchTemplateVersionsCommand } = await esm('@aws-sdk/client-ec2');
  const asg = new AutoScalingClient(endpoint);
  const ec2 = new EC2Client(endpoint);
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
  await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'workers', Versions: ['$Default'] }),
  );
  asg.destroy();
  ec2.destroy();
  console.log(JSON.stringify({ mode, groups, maxRssKiB: process.resourceUsage().maxRSS }));
  process.exit(0);
}

const { discoverNodeGroups, ensureAutoDiscoveryTags } = await import('@eks-kit/asg-discovery');
const { createClients } = await import('@eks-kit/core');
const clients = await createClients(endpoint);
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
    maxRssKiB: process.resourceUsage().maxRSS,
  }),
);
