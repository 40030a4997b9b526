import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import type { S3State } from '../src/services/s3.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

const ACCOUNT = '123456789012';
const BUCKET = 'eks-kit-checks-runs';
let emu: Emulator;
let s3: S3Client;

beforeAll(async () => {
  emu = await startTestEmulator({
    seed: {
      accountId: ACCOUNT,
      identities: { AKIDNOREAD: { arn: `arn:aws:iam::${ACCOUNT}:user/no-read`, deny: ['s3:GetObject'] } },
      s3: { buckets: [{ name: BUCKET, objects: { 'state/checks-state.json': '{"v":1}' } }, 'empty'] },
    },
  });
  s3 = new S3Client(clientConfig(emu));
});
afterAll(async () => {
  s3.destroy();
  await emu.stop();
});

describe('S3 objects (restXml, path-style)', () => {
  it('stores an object with PutObject and answers the same bytes with GetObject', async () => {
    const body = JSON.stringify({ targets: ['111111111111@eu-west-1'], ü: 'é' });
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'runs/r1/batches.json',
        Body: body,
        ContentType: 'application/json',
      }),
    );
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'runs/r1/batches.json' }));
    expect(await got.Body?.transformToString()).toBe(body);
    expect(got.ContentType).toBe('application/json');
    expect(got.ETag).toBe(put.ETag);
    expect(got.ContentLength).toBe(Buffer.byteLength(body));
    expect(got.LastModified).toBeInstanceOf(Date);
    const call = emu.calls({ service: 's3', operation: 'PutObject' })[0];
    expect(call).toMatchObject({ mutating: true, input: { Bucket: BUCKET, Key: 'runs/r1/batches.json' } });
  });

  it('answers NoSuchKey and NoSuchBucket as S3 does (404, bare <Error>)', async () => {
    const missing = await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'nope' })));
    expect(missing.name).toBe('NoSuchKey');
    expect(missing.$metadata.httpStatusCode).toBe(404);
    const noBucket = await failure(s3.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' })));
    expect(noBucket.name).toBe('NoSuchBucket');
  });

  it('lists keys in order under a prefix, page by page with a continuation token, and CommonPrefixes', async () => {
    for (const i of [3, 1, 2, 10]) {
      await s3.send(
        new PutObjectCommand({ Bucket: 'empty', Key: `runs/r2/results/${i}.json`, Body: `${i}` }),
      );
    }
    await s3.send(new PutObjectCommand({ Bucket: 'empty', Key: 'state/x.json', Body: '{}' }));
    const first = await s3.send(
      new ListObjectsV2Command({ Bucket: 'empty', Prefix: 'runs/r2/results/', MaxKeys: 3 }),
    );
    expect(first.Contents?.map((c) => c.Key)).toEqual([
      'runs/r2/results/1.json',
      'runs/r2/results/10.json',
      'runs/r2/results/2.json',
    ]);
    expect(first.IsTruncated).toBe(true);
    expect(first.KeyCount).toBe(3);
    const second = await s3.send(
      new ListObjectsV2Command({
        Bucket: 'empty',
        Prefix: 'runs/r2/results/',
        MaxKeys: 3,
        ContinuationToken: first.NextContinuationToken,
      }),
    );
    expect(second.Contents?.map((c) => [c.Key, c.Size])).toEqual([['runs/r2/results/3.json', 1]]);
    expect(second.IsTruncated).toBe(false);
    const top = await s3.send(new ListObjectsV2Command({ Bucket: 'empty', Delimiter: '/' }));
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['runs/', 'state/']);
    expect(top.Contents ?? []).toEqual([]);
  });

  it('refuses a denied caller with AccessDenied (403) naming the action and the object', async () => {
    const other = new S3Client(clientConfig(emu, { accessKeyId: 'AKIDNOREAD' }));
    const err = await failure(
      other.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'state/checks-state.json' })),
    );
    other.destroy();
    expect(err.name).toBe('AccessDenied');
    expect(err.$metadata.httpStatusCode).toBe(403);
    expect(err.message).toContain(`s3:GetObject on resource: arn:aws:s3:::${BUCKET}/state/checks-state.json`);
    expect(
      (emu.state.s3 as S3State).buckets.get(BUCKET)?.get('state/checks-state.json')?.body.toString(),
    ).toBe('{"v":1}');
  });
});
