import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { failure, startTestEmulator, stsClient } from './helpers.js';

describe('STS', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator({
      seed: {
        accountId: '111122223333',
        identities: { AKIDCI: { arn: 'arn:aws:iam::111122223333:user/ci', deny: ['sts:AssumeRole'] } },
        iam: { roles: [{ name: 'deployer' }] },
      },
    });
  });
  afterAll(() => emu.stop());

  it('GetCallerIdentity answers the default user for an unknown access key', async () => {
    const out = await stsClient(emu).send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe('111122223333');
    expect(out.Arn).toBe('arn:aws:iam::111122223333:user/emulator');
    expect(out.UserId).toMatch(/^AIDA[A-Z0-9]{17}$/);
    const [call] = emu.calls({ service: 'sts', operation: 'GetCallerIdentity' });
    expect(call).toMatchObject({ service: 'sts', mutating: false, status: 200, accessKeyId: 'AKIDEXAMPLE' });
  });

  it('GetCallerIdentity answers the world identity of a known access key', async () => {
    const out = await stsClient(emu, { accessKeyId: 'AKIDCI' }).send(new GetCallerIdentityCommand({}));
    expect(out.Arn).toBe('arn:aws:iam::111122223333:user/ci');
  });

  it('AssumeRole returns credentials whose access key acts as the assumed role', async () => {
    const out = await stsClient(emu).send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::111122223333:role/deployer',
        RoleSessionName: 'lambda',
      }),
    );
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(out.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::111122223333:assumed-role/deployer/lambda');
    const me = await stsClient(emu, { accessKeyId: out.Credentials?.AccessKeyId as string }).send(
      new GetCallerIdentityCommand({}),
    );
    expect(me.Arn).toBe('arn:aws:sts::111122223333:assumed-role/deployer/lambda');
    expect(me.UserId).toMatch(/^AROA[A-Z0-9]{17}:lambda$/);
  });

  it('AssumeRole of a missing role is AccessDenied, as AWS answers it', async () => {
    const err = await failure(
      stsClient(emu).send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111122223333:role/nope', RoleSessionName: 's1' }),
      ),
    );
    expect(err).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    // As a refused trust: no context naming the caller's own policies (which would send a team to grant
    // sts:AssumeRole to the caller instead of creating the role).
    expect(err.message).toBe(
      'User: arn:aws:iam::111122223333:user/emulator is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/nope',
    );
  });

  it('a denied action answers the real AccessDenied message', async () => {
    const err = await failure(
      stsClient(emu, { accessKeyId: 'AKIDCI' }).send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111122223333:role/deployer', RoleSessionName: 's1' }),
      ),
    );
    expect(err.name).toBe('AccessDenied');
    expect(err.message).toBe(
      'User: arn:aws:iam::111122223333:user/ci is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/deployer because no identity-based policy allows the sts:AssumeRole action',
    );
    expect(emu.calls({ operation: 'AssumeRole' }).at(-1)).toMatchObject({
      status: 403,
      error: 'AccessDenied',
    });
  });
});
