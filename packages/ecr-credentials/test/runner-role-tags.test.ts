import { ListRoleTagsCommand } from '@aws-sdk/client-iam';
import type { Emulator } from '@eks-kit/aws-emulator';
import { type AwsClients, InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { ensureRunnerRole, type RunnerRoleInput } from '../src/index.js';
import { ISSUER, runnerWorld, useEcrEmulator } from './helpers.js';

let emu: Emulator;
let clients: AwsClients;
useEcrEmulator(runnerWorld(), (e, c) => {
  emu = e;
  clients = c;
});

const input: RunnerRoleInput = {
  issuer: ISSUER,
  namespace: 'gitlab-runner',
  serviceAccount: 'build',
  repositories: ['team/app'],
  roleName: 'gitlab-runner-ecr-push',
  stack: 'prod',
  tags: { team: 'platform' },
};

async function roleTags(): Promise<Record<string, string>> {
  const iam = await clients.iam();
  const out = await iam.send(new ListRoleTagsCommand({ RoleName: input.roleName }));
  return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key, t.Value]));
}

describe('ensureRunnerRole tags (a stack`s extra tags on the role)', () => {
  it('creates the role with the extra tags beside eks-kit:stack, and a rerun changes nothing', async () => {
    await ensureRunnerRole(clients, input);
    expect(await roleTags()).toEqual({ team: 'platform', 'eks-kit:stack': 'prod' });
    emu.resetCalls();
    const again = await ensureRunnerRole(clients, input);
    expect(again.changes).toEqual([]);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('a bad tag value is refused naming the field, before any AWS call', async () => {
    emu.resetCalls();
    await expect(ensureRunnerRole(clients, { ...input, tags: { team: 'x'.repeat(300) } })).rejects.toThrow(
      InvalidInputError,
    );
    await expect(ensureRunnerRole(clients, { ...input, tags: { team: 'x'.repeat(300) } })).rejects.toThrow(
      /tags\.team/,
    );
    expect(emu.calls()).toEqual([]);
  });
});
