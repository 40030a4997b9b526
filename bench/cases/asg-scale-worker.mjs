// Worker of asg-scale.mjs: tags then discovers every group against the emulator at argv[2].
import { discoverNodeGroups, ensureAutoDiscoveryTags } from '@eks-kit/asg-discovery';
import { createClients } from '@eks-kit/core';

process.removeAllListeners('warning');
const [url, prefix] = process.argv.slice(2);
const clients = await createClients({
  region: 'ap-northeast-1',
  endpoint: url,
  credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
});
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
    tag: { ms: tag.ms, calls: tag.calls, groups: tag.value.groups?.length ?? tag.value.changes.length },
    retag: { ms: retag.ms, calls: retag.calls, changes: retag.value.changes.length },
    discover: { ms: discover.ms, calls: discover.calls, groups: discover.value.length },
    maxRssKiB: process.resourceUsage().maxRSS,
  }),
);
