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
const timed = async (fn) => {
  clients.counter.reset();
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start, calls: clients.counter.snapshot() };
};
const tag = await timed(() =>
  ensureAutoDiscoveryTags(clients, { cluster: 'bench', select: { namePrefix: prefix } }),
);
const retag = await timed(() =>
  ensureAutoDiscoveryTags(clients, { cluster: 'bench', select: { namePrefix: prefix } }),
);
const discover = await timed(() => discoverNodeGroups(clients, { cluster: 'bench' }));
clients.destroy();
console.log(
  JSON.stringify({
    mode,
    tag: { ms: tag.ms, calls: tag.calls, groups: tag.value.groups?.length ?? tag.value.changes.length },
    retag: { ms: retag.ms, calls: retag.calls, changes: retag.value.changes.length },
    discover: { ms: discover.ms, calls: discover.calls, groups: discover.value.length },
    maxRssKiB: process.resourceUsage().maxRSS,
  }),
);
