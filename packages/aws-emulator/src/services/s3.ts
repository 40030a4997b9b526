/**
 * Amazon S3 (restXml, signing name s3), the three object calls a tool needs to keep run data in a
 * bucket: PutObject, GetObject and ListObjectsV2, written from the Amazon S3 API Reference.
 *
 * - Path-style requests only (`/<bucket>/<key>`): what the SDK and the aws CLI send to an IP endpoint
 *   such as `http://127.0.0.1:4566`. Buckets are seeded (the deploy template creates them in AWS).
 * - PutObject stores the bytes (an `aws-chunked` upload is decoded) with its `Content-Type`, answers
 *   `ETag: "<md5>"`; GetObject answers the bytes with `Content-Length`, `Content-Type`, `ETag` and
 *   `Last-Modified` (RFC 7231 date). A missing key is `NoSuchKey` (404), a missing bucket
 *   `NoSuchBucket` (404): S3's bare `<Error>` document with `<RequestId>`.
 * - ListObjectsV2 (`GET /<bucket>?list-type=2`) lists keys in UTF-8 binary order with `prefix`,
 *   `start-after`, `max-keys` (default and most 1,000), `continuation-token` (opaque; a token this
 *   emulator did not make is `InvalidArgument`), `delimiter` (`CommonPrefixes`), and
 *   `encoding-type=url` (keys percent-encoded, as the aws CLI asks for).
 * - IAM actions checked against the caller's `deny`: `s3:PutObject` and `s3:GetObject` on
 *   `arn:aws:s3:::<bucket>/<key>`, `s3:ListBucket` on `arn:aws:s3:::<bucket>`; AccessDenied is 403.
 *
 * World: `s3: { buckets: [name | { name, objects?: Record<key, string> }] }`; `emu.state.s3.buckets`
 * holds the live objects for tests.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../framework/errors.js';
import { defineService, type ServiceRequest, withHttp } from '../framework/service.js';
import { XmlList } from '../framework/xml.js';
import type { World } from '../types.js';

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A stored object. */
export interface S3Object {
  body: Buffer;
  contentType: string;
  etag: string;
  /** Emulated epoch ms. */
  lastModified: number;
}

/** S3's state: objects by bucket, then key. */
export interface S3State {
  buckets: Map<string, Map<string, S3Object>>;
}

/** A bucket in the world. */
export type S3BucketSeed = string | { name: string; objects?: Record<string, string> };

const etagOf = (body: Buffer): string => `"${createHash('md5').update(body).digest('hex')}"`;

function bucketOf(request: ServiceRequest<S3State>): { name: string; objects: Map<string, S3Object> } {
  const name = String(request.input.Bucket ?? '');
  const objects = request.state.buckets.get(name);
  if (!objects) {
    throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404, {
      fields: { BucketName: name },
    });
  }
  return { name, objects };
}

/** Keys compare in UTF-8 binary order, as S3 lists them. */
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

const tokenOf = (key: string): string => Buffer.from(`emu:${key}`).toString('base64');
function keyOfToken(token: string): string {
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (!text.startsWith('emu:')) {
    throw new AwsError('InvalidArgument', 'The continuation token provided is incorrect', 400, {
      fields: { ArgumentName: 'continuation-token' },
    });
  }
  return text.slice(4);
}

function listObjectsV2(request: ServiceRequest<S3State>) {
  const { name, objects } = bucketOf(request);
  const input = request.input;
  const prefix = String(input.prefix ?? '');
  const delimiter = input.delimiter === undefined ? undefined : String(input.delimiter);
  const maxKeys = Math.min(1000, Math.max(0, Number(input['max-keys'] ?? 1000)));
  if (!Number.isInteger(maxKeys)) {
    throw new AwsError('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400);
  }
  const token = input['continuation-token'] === undefined ? undefined : String(input['continuation-token']);
  const after = token !== undefined ? keyOfToken(token) : String(input['start-after'] ?? '');
  const urlEncode = input['encoding-type'] === 'url';
  const enc = (text: string): string => (urlEncode ? encodeURIComponent(text).replace(/%2F/g, '/') : text);
  const keys = [...objects.keys()]
    .filter((k) => k.startsWith(prefix) && (after === '' || byBytes(k, after) > 0))
    .sort(byBytes);
  const contents: Array<Record<string, unknown>> = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  let truncated = false;
  for (const key of keys) {
    const rest = key.slice(prefix.length);
    const cut = delimiter ? rest.indexOf(delimiter) : -1;
    const common = cut >= 0 && delimiter ? prefix + rest.slice(0, cut + delimiter.length) : undefined;
    if (common !== undefined && commonPrefixes.includes(common)) continue;
    if (contents.length + commonPrefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    last = key;
    if (common !== undefined) commonPrefixes.push(common);
    else {
      const o = objects.get(key) as S3Object;
      contents.push({
        Key: enc(key),
        LastModified: new Date(o.lastModified),
        ETag: o.etag,
        Size: o.body.length,
        StorageClass: 'STANDARD',
      });
    }
  }
  return withHttp(
    {
      Name: name,
      Prefix: enc(prefix),
      ...(delimiter !== undefined ? { Delimiter: enc(delimiter) } : {}),
      MaxKeys: maxKeys,
      ...(urlEncode ? { EncodingType: 'url' } : {}),
      KeyCount: contents.length + commonPrefixes.length,
      IsTruncated: truncated,
      ...(token !== undefined ? { ContinuationToken: token } : {}),
      ...(truncated && last !== undefined ? { NextContinuationToken: tokenOf(last) } : {}),
      ...(input['start-after'] !== undefined ? { StartAfter: enc(String(input['start-after'])) } : {}),
      Contents: new XmlList('Contents', contents, true),
      CommonPrefixes: new XmlList(
        'CommonPrefixes',
        commonPrefixes.map((p) => ({ Prefix: enc(p) })),
        true,
      ),
    },
    { root: 'ListBucketResult' },
  );
}

function seedBuckets(world: World, now: number): S3State {
  const buckets = new Map<string, Map<string, S3Object>>();
  const seeds = ((world as { s3?: { buckets?: S3BucketSeed[] } }).s3?.buckets ?? []).map((b) =>
    typeof b === 'string' ? { name: b } : b,
  );
  for (const seed of seeds) {
    const objects = new Map<string, S3Object>();
    for (const [key, text] of Object.entries(seed.objects ?? {})) {
      const body = Buffer.from(text);
      objects.set(key, {
        body,
        contentType: 'application/octet-stream',
        etag: etagOf(body),
        lastModified: now,
      });
    }
    buckets.set(seed.name, objects);
  }
  return { buckets };
}

/** The S3 module. */
export const s3 = defineService<S3State>({
  signingName: 's3',
  protocol: {
    kind: 'restXml',
    xmlns: XMLNS,
    errorEnvelope: 'Error',
    routes: [
      { method: 'GET', path: '/{Bucket}', operation: 'ListObjectsV2', query: ['list-type'] },
      { method: 'GET', path: '/{Bucket}/{Key+}', operation: 'GetObject' },
      { method: 'PUT', path: '/{Bucket}/{Key+}', operation: 'PutObject', rawBody: true },
    ],
  },
  errors: {
    throttling: { code: 'SlowDown', status: 503 },
    accessDenied: { code: 'AccessDenied', status: 403 },
    internal: { code: 'InternalError', status: 500 },
  },
  createState: (world, context) => seedBuckets(world, context.clock.now()),
  operations: {
    PutObject: {
      mutating: true,
      logInput: ['Bucket', 'Key'],
      action: 's3:PutObject',
      resource: (input) => `arn:aws:s3:::${String(input.Bucket)}/${String(input.Key)}`,
      handler(request) {
        const { objects } = bucketOf(request);
        const body = Buffer.isBuffer(request.input.body) ? request.input.body : Buffer.alloc(0);
        const etag = etagOf(body);
        objects.set(String(request.input.Key), {
          body,
          contentType: request.http.headers['content-type'] ?? 'application/octet-stream',
          etag,
          lastModified: request.clock.now(),
        });
        return withHttp(undefined, { headers: { etag } });
      },
    },
    GetObject: {
      logInput: ['Bucket', 'Key'],
      action: 's3:GetObject',
      resource: (input) => `arn:aws:s3:::${String(input.Bucket)}/${String(input.Key)}`,
      handler(request) {
        const { objects } = bucketOf(request);
        const key = String(request.input.Key);
        const o = objects.get(key);
        if (!o) {
          throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404, { fields: { Key: key } });
        }
        return withHttp(o.body, {
          headers: {
            'content-type': o.contentType,
            'content-length': String(o.body.length),
            etag: o.etag,
            'last-modified': new Date(o.lastModified).toUTCString(),
          },
        });
      },
    },
    ListObjectsV2: {
      logInput: ['Bucket', 'prefix', 'continuation-token'],
      action: 's3:ListBucket',
      resource: (input) => `arn:aws:s3:::${String(input.Bucket)}`,
      handler: listObjectsV2,
    },
  },
});
