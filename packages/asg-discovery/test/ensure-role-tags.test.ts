import { ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { ensureClusterAutoscalerRole } from '../src/index.js';
import { ISSUER, mutations, useWorld } from './helpers.js';

const env = useWorld({
  eks: { clusters: [{ name: 'prod', version: '1.35', oidcIssuer: ISSUER }] },
  iam: { oidcProviders: [ISSUER] },
});

const input = { cluster: 'prod', identity: 'irsa' as const, stack: 'prod', tags: { team: 'platform' } };

async function roleTags(name: string): Promise<Record<string, string>> {
  const iam = await env.clients.iam();
  const out = await iam.send(new ListRoleTagsCommand({ RoleName: name }));
  return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key, t.Value]));
}

describe('ensureClusterAutoscalerRole tags (a stack`s extra tags on the role)', () => {
  it('creates the role with the extra tags beside eks-kit:stack, and a rerun changes nothing', async () => {
    const first = await ensureClusterAutoscalerRole(env.clients, input);
    expect(await roleTags(first.roleName)).toEqual({ team: 'platform', 'eks-kit:stack': 'prod' });
    env.emu.resetCalls();
    const again = await ensureClusterAutoscalerRole(env.clients, input);
    expect(again.changes).toEqual([]);
    expect(mutations(env.emu)).toEqual([]);
  });

  it('a bad tag key is refused naming the field, before any AWS call', async () => {
    const bad = { ...input, tags: { 'aws:reserved': 'x' } };
    await expect(ensureClusterAutoscalerRole(env.clients, bad)).rejects.toThrow(InvalidInputError);
    await expect(ensureClusterAutoscalerRole(env.clients, bad)).rejects.toThrow(/tags\.aws:reserved/);
    expect(env.emu.calls()).toEqual([]);
  });
});
