import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import type { SsmState } from '../src/services/ssm.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-1';
let emu: Emulator;
let ssm: SSMClient;

beforeAll(async () => {
  emu = await startTestEmulator({
    seed: {
      accountId: ACCOUNT,
      region: REGION,
      identities: { AKIDNOKMS: { arn: `arn:aws:iam::${ACCOUNT}:user/no-kms`, deny: ['kms:Decrypt'] } },
      ssm: {
        parameters: [
          { name: '/eks-kit/prod/stack', value: 'name: prod\n' },
          { name: 'plain', value: 'a,b', type: 'StringList', version: 3, labels: ['live'] },
          { name: '/eks-kit/prod/secret', value: 's3cr3t', type: 'SecureString' },
          { name: '/elsewhere', value: 'x', region: 'eu-west-1' },
        ],
      },
    },
  });
  ssm = new SSMClient(clientConfig(emu));
});
afterAll(async () => {
  ssm.destroy();
  await emu.stop();
});

describe('SSM GetParameter (awsJson1_1 AmazonSSM.GetParameter)', () => {
  it('returns a seeded String parameter with its ARN, version and type', async () => {
    const out = await ssm.send(new GetParameterCommand({ Name: '/eks-kit/prod/stack' }));
    expect(out.Parameter).toMatchObject({
      Name: '/eks-kit/prod/stack',
      Type: 'String',
      Value: 'name: prod\n',
      Version: 1,
      DataType: 'text',
      // A hierarchical name's leading slash is not repeated in the ARN (SSM API reference).
      ARN: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/eks-kit/prod/stack`,
    });
    expect(out.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
  });

  it('accepts the parameter ARN as Name', async () => {
    const out = await ssm.send(
      new GetParameterCommand({ Name: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/eks-kit/prod/stack` }),
    );
    expect(out.Parameter?.Value).toBe('name: prod\n');
  });

  it('answers ParameterNotFound (400) for an unknown name, and for a parameter of another region', async () => {
    const missing = await failure(ssm.send(new GetParameterCommand({ Name: '/nope' })));
    expect(missing.name).toBe('ParameterNotFound');
    expect(missing.$metadata.httpStatusCode).toBe(400);
    const otherRegion = await failure(ssm.send(new GetParameterCommand({ Name: '/elsewhere' })));
    expect(otherRegion.name).toBe('ParameterNotFound');
    const euSsm = new SSMClient(clientConfig(emu, { region: 'eu-west-1' }));
    expect((await euSsm.send(new GetParameterCommand({ Name: '/elsewhere' }))).Parameter?.Value).toBe('x');
    euSsm.destroy();
  });

  it('selects by version or label, and answers ParameterVersionNotFound for another version', async () => {
    expect((await ssm.send(new GetParameterCommand({ Name: 'plain:3' }))).Parameter).toMatchObject({
      Value: 'a,b',
      Type: 'StringList',
      Selector: ':3',
    });
    expect((await ssm.send(new GetParameterCommand({ Name: 'plain:live' }))).Parameter?.Version).toBe(3);
    const err = await failure(ssm.send(new GetParameterCommand({ Name: 'plain:2' })));
    expect(err.name).toBe('ParameterVersionNotFound');
  });

  it('returns a SecureString encrypted without WithDecryption and in clear with it', async () => {
    const encrypted = await ssm.send(new GetParameterCommand({ Name: '/eks-kit/prod/secret' }));
    expect(encrypted.Parameter?.Type).toBe('SecureString');
    expect(encrypted.Parameter?.Value).not.toBe('s3cr3t');
    const clear = await ssm.send(
      new GetParameterCommand({ Name: '/eks-kit/prod/secret', WithDecryption: true }),
    );
    expect(clear.Parameter?.Value).toBe('s3cr3t');
  });

  it('refuses decryption to a caller denied kms:Decrypt, and GetParameter to one denied ssm:GetParameter', async () => {
    const noKms = new SSMClient(clientConfig(emu, { accessKeyId: 'AKIDNOKMS' }));
    const err = await failure(
      noKms.send(new GetParameterCommand({ Name: '/eks-kit/prod/secret', WithDecryption: true })),
    );
    expect(err.name).toBe('AccessDeniedException');
    expect(err.message).toContain('kms:Decrypt');
    noKms.destroy();
    emu.seed({
      accountId: ACCOUNT,
      region: REGION,
      identities: { AKIDNOSSM: { arn: `arn:aws:iam::${ACCOUNT}:user/no-ssm`, deny: ['ssm:GetParameter'] } },
      ssm: { parameters: [{ name: '/x', value: '1' }] },
    });
    const noSsm = new SSMClient(clientConfig(emu, { accessKeyId: 'AKIDNOSSM' }));
    const denied = await failure(noSsm.send(new GetParameterCommand({ Name: '/x' })));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain(
      `ssm:GetParameter on resource: arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/x`,
    );
    noSsm.destroy();
  });

  it('records GetParameter as a read in the call log, and exposes its state', () => {
    const calls = emu.calls({ service: 'ssm' });
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.operation === 'GetParameter' && !c.mutating)).toBe(true);
    const state = emu.state.ssm as SsmState;
    expect([...state.parameters.values()].map((p) => p.name)).toEqual(['/x']);
  });
});

describe('SSM PutParameter (awsJson1_1 AmazonSSM.PutParameter)', () => {
  it('creates a parameter, refuses to replace it without Overwrite, and bumps the version with it', async () => {
    const created = await ssm.send(
      new PutParameterCommand({ Name: '/eks-kit/put/state', Value: '{"v":1}', Type: 'String' }),
    );
    expect(created).toMatchObject({ Version: 1, Tier: 'Standard' });
    const again = await failure(
      ssm.send(new PutParameterCommand({ Name: '/eks-kit/put/state', Value: 'x', Type: 'String' })),
    );
    expect(again.name).toBe('ParameterAlreadyExists');
    const replaced = await ssm.send(
      new PutParameterCommand({
        Name: '/eks-kit/put/state',
        Value: '{"v":2}',
        Type: 'String',
        Overwrite: true,
      }),
    );
    expect(replaced.Version).toBe(2);
    const read = await ssm.send(new GetParameterCommand({ Name: '/eks-kit/put/state' }));
    expect(read.Parameter).toMatchObject({ Value: '{"v":2}', Version: 2 });
    expect(emu.calls({ service: 'ssm', operation: 'PutParameter' }).every((c) => c.mutating)).toBe(true);
  });

  it('keeps Standard values to 4 KB; Intelligent-Tiering moves a longer one to Advanced, up to 8 KB', async () => {
    const long = 'x'.repeat(5000);
    const standard = await failure(
      ssm.send(new PutParameterCommand({ Name: '/eks-kit/put/big', Value: long, Type: 'String' })),
    );
    expect(standard.name).toBe('ValidationException');
    const tiered = await ssm.send(
      new PutParameterCommand({
        Name: '/eks-kit/put/big',
        Value: long,
        Type: 'String',
        Tier: 'Intelligent-Tiering',
      }),
    );
    expect(tiered.Tier).toBe('Advanced');
    const tooLong = await failure(
      ssm.send(
        new PutParameterCommand({
          Name: '/eks-kit/put/big',
          Value: 'x'.repeat(8193),
          Type: 'String',
          Tier: 'Intelligent-Tiering',
          Overwrite: true,
        }),
      ),
    );
    expect(tooLong.name).toBe('ValidationException');
  });
});
