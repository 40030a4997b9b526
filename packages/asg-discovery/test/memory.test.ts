/**
 * Issue 21 (peak RSS of discover + tag 10,000 groups, asg-scale in docs/PERFORMANCE.md): what the
 * package loads and what it keeps, checked in a child process on the built package (the way a user's
 * program imports it), against the emulator of this process.
 * - Importing the package loads the Auto Scaling SDK client only (no EC2, EKS, IAM or STS code):
 *   unbundled, `@aws-sdk/client-ec2` is one file with every command and schema of EC2 (63-67 MiB of
 *   RSS once loaded); it is loaded by the call that needs it, and the test shows that call does load
 *   it (so the check can see it).
 * - Nothing keeps a page once it is processed: with --expose-gc, every DescribeAutoScalingGroups answer,
 *   its groups, its HTTP response and every CreateOrUpdateTags request's tags are held by WeakRefs
 *   only; after the procedures return (their results still held) and a full GC, none is alive.
 */

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generatedGroupsWorld, REGION, useWorld } from './helpers.js';

const run = promisify(execFile);
const dist = new URL('../dist/index.js', import.meta.url).href;

// 450 groups: five DescribeAutoScalingGroups pages per read (100 x 4, 50), 900 tags to write (18 calls).
const world = generatedGroupsWorld(450);
const env = useWorld(world);

/** Runs `body` as an ES module in a child Node with `flags`; answers the JSON it prints last. */
async function child(body: string, flags: string[] = []): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [...flags, '--input-type=module', '-e', body], {
    env: {
      ...process.env,
      ASG_DISCOVERY: dist,
      CLIENT_CONFIG: JSON.stringify({ ...clientConfig(), quotas: { speed: 1000 } }),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    maxBuffer: 1 << 24,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

function clientConfig(): Record<string, unknown> {
  const { endpoint, credentials } = env.clients.options as {
    endpoint?: string;
    credentials?: unknown;
  };
  return { region: REGION, endpoint, credentials };
}

/** The SDK client packages Node has loaded so far (CommonJS, also when imported from ESM). */
const LOADED_CLIENTS = `
const loadedClients = async () => {
  const Module = (await import('node:module')).default;
  return [...new Set(Object.keys(Module._cache).flatMap((k) => k.match(/@aws-sdk[\\\\/](client-[a-z0-9-]+)[\\\\/]/)?.[1] ?? []))].sort();
};
`;

describe('memory of discover + tag (issue 21)', () => {
  it('importing the package and tagging load the Auto Scaling client only; discovery loads EC2 for its one call', async () => {
    const out = await child(`${LOADED_CLIENTS}
const { discoverNodeGroups, ensureAutoDiscoveryTags } = await import(process.env.ASG_DISCOVERY);
const { createClients } = await import('@eks-kit/core');
const afterImport = await loadedClients();
const clients = await createClients(JSON.parse(process.env.CLIENT_CONFIG));
await ensureAutoDiscoveryTags(clients, { cluster: 'c', select: { namePrefix: 'ng' } });
const afterTag = await loadedClients();
const groups = await discoverNodeGroups(clients, { cluster: 'c' });
const afterDiscover = await loadedClients();
clients.destroy();
console.log(JSON.stringify({ afterImport, afterTag, afterDiscover, groups: groups.length, types: groups[0]?.instanceTypes }));
`);
    // Before issue 21: client-auto-scaling, client-ec2, client-eks, client-iam, client-sts.
    expect(out.afterImport).toEqual(['client-auto-scaling']);
    expect(out.afterTag).toEqual(['client-auto-scaling']);
    // The control (the check sees a client loaded from ESM): discovery reads the launch template's type.
    expect(out).toMatchObject({ groups: 450, types: ['m5.large'] });
    expect(out.afterDiscover).toContain('client-ec2');
    expect(out.afterDiscover).not.toContain('client-eks');
  });

  it('keeps no page, group, HTTP response or tag request once tag and discover have returned', async () => {
    const out = await child(
      `
const { discoverNodeGroups, ensureAutoDiscoveryTags } = await import(process.env.ASG_DISCOVERY);
const { createClients } = await import('@eks-kit/core');
const refs = { pages: [], groups: [], responses: [], tagRequests: [] };
const track = {
  name: 'trackPages',
  handler: () => (next, context) => async (args) => {
    if (context.commandName === 'CreateOrUpdateTagsCommand') refs.tagRequests.push(new WeakRef(args.input.Tags));
    const out = await next(args);
    if (context.commandName === 'DescribeAutoScalingGroupsCommand') {
      refs.pages.push(new WeakRef(out.output));
      for (const g of out.output.AutoScalingGroups ?? []) refs.groups.push(new WeakRef(g));
      if (out.response) refs.responses.push(new WeakRef(out.response));
    }
    return out;
  },
};
const clients = await createClients({ ...JSON.parse(process.env.CLIENT_CONFIG), middleware: [track] });
// The results stay referenced (as a program holding them does): only what they hold may stay alive.
const tagged = await ensureAutoDiscoveryTags(clients, { cluster: 'c', select: { namePrefix: 'ng' } });
const found = await discoverNodeGroups(clients, { cluster: 'c' });
for (let i = 0; i < 3; i++) {
  await new Promise((r) => setTimeout(r, 10));
  globalThis.gc();
}
const alive = (list) => list.filter((r) => r.deref() !== undefined).length;
console.log(JSON.stringify({
  changes: tagged.changes.length,
  found: found.length,
  pages: refs.pages.length,
  groups: refs.groups.length,
  tagRequests: refs.tagRequests.length,
  alive: { pages: alive(refs.pages), groups: alive(refs.groups), responses: alive(refs.responses), tagRequests: alive(refs.tagRequests) },
}));
clients.destroy();
`,
      ['--expose-gc'],
    );
    // The work happened: 450 groups tagged (18 calls of 50 tags) and found, over 10 pages.
    expect(out).toMatchObject({ changes: 450, found: 450, pages: 10, groups: 900, tagRequests: 18 });
    expect(out.alive).toEqual({ pages: 0, groups: 0, responses: 0, tagRequests: 0 });
  });
});
