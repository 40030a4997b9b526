/**
 * A split run's data in its S3 bucket (`EKS_KIT_RUN_BUCKET`), so that no Step Functions payload grows
 * with the number of targets (a state's input or output is at most 256 KiB): the plan writes the
 * batches as one JSON array that the Distributed Map reads with its S3 `ItemReader`; each batch writes
 * its results to its own object; the report lists and reads them. Layout:
 *
 * - `runs/<run id>/batches.json`: `[{ "targets": [...] }, ...]`, one item per child execution;
 * - `runs/<run id>/results/<index>.json`: one batch's compact results;
 * - `runs/sfn-results/...`: the Distributed Map's own `ResultWriter` files (each child's small answer);
 * - `state/checks-state.json`: the failures kept between runs (report/state-store.ts).
 *
 * The bucket's lifecycle rule expires `runs/` (deploy template).
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type AwsClients, EksKitError, wrapAwsError } from '@eks-kit/core/clients';
import type { AssumeRoleTarget } from '../config/handler-config.js';
import type { TargetResult } from '../report/summary.js';

/** Prefix of every run's objects (the bucket's lifecycle rule expires it). */
export const RUNS_PREFIX = 'runs/';
/** Prefix the Distributed Map's `ResultWriter` writes under (inside {@link RUNS_PREFIX}). */
export const MAP_RESULTS_PREFIX = 'runs/sfn-results';

/** Key of a run's batches (the Distributed Map's ItemReader object). */
export const batchesKey = (runId: string): string => `${RUNS_PREFIX}${runId}/batches.json`;
/** Prefix of a run's batch results. */
export const resultsPrefix = (runId: string): string => `${RUNS_PREFIX}${runId}/results/`;
/** Key of a split run's whole summary, which its report writes (its answer to the state machine is counts only). */
export const reportKey = (runId: string): string => `${RUNS_PREFIX}${runId}/report.json`;
/** Key of one batch's results (index zero-padded so that keys list in batch order). */
export const resultsKey = (runId: string, index: number): string =>
  `${resultsPrefix(runId)}${String(index).padStart(6, '0')}.json`;

async function s3Of(clients: AwsClients): Promise<S3Client> {
  if (!clients.s3) throw new EksKitError('InvalidInput', 'this client set has no S3 client');
  return clients.s3();
}

/**
 * Write one JSON object to the run bucket.
 *
 * @example
 * ```ts
 * await putJson(clients, 'eks-kit-runs', 'runs/r1/batches.json', [{ targets: [] }]);
 * ```
 */
export async function putJson(
  clients: AwsClients,
  bucket: string,
  key: string,
  value: unknown,
): Promise<number> {
  const body = JSON.stringify(value);
  const s3 = await s3Of(clients);
  try {
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
  } catch (error) {
    throw wrapAwsError(error, 's3:PutObject', `s3://${bucket}/${key}`);
  }
  return Buffer.byteLength(body);
}

/**
 * Read one JSON object from the run bucket; `undefined` when the key does not exist.
 *
 * @example
 * ```ts
 * const batches = await getJson(clients, 'eks-kit-runs', 'runs/r1/batches.json');
 * ```
 */
export async function getJson(clients: AwsClients, bucket: string, key: string): Promise<unknown> {
  const s3 = await s3Of(clients);
  let text: string | undefined;
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = await out.Body?.transformToString();
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw wrapAwsError(error, 's3:GetObject', `s3://${bucket}/${key}`);
  }
  try {
    return text === undefined || text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new EksKitError('InvalidInput', `s3://${bucket}/${key} is not JSON`);
  }
}

/** Every key under a prefix, in key order (ListObjectsV2, page by page). */
async function listKeys(clients: AwsClients, bucket: string, prefix: string): Promise<string[]> {
  const s3 = await s3Of(clients);
  const keys: string[] = [];
  let token: string | undefined;
  do {
    try {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } catch (error) {
      throw wrapAwsError(error, 's3:ListBucket', `s3://${bucket}/${prefix}`);
    }
  } while (token);
  return keys;
}

/**
 * The plan's batches, written where the Distributed Map's ItemReader reads them; answers the key and
 * the object's size.
 *
 * @example
 * ```ts
 * const { key } = await writeBatches(clients, bucket, 'run-1', plan.batches);
 * ```
 */
export async function writeBatches(
  clients: AwsClients,
  bucket: string,
  runId: string,
  batches: ReadonlyArray<{ targets: AssumeRoleTarget[] }>,
): Promise<{ key: string; bytes: number }> {
  const key = batchesKey(runId);
  return { key, bytes: await putJson(clients, bucket, key, batches) };
}

/**
 * One batch's results, in their own object; answers the key.
 *
 * @example
 * ```ts
 * const key = await writeBatchResults(clients, bucket, 'run-1', 0, compactResults(results));
 * ```
 */
export async function writeBatchResults(
  clients: AwsClients,
  bucket: string,
  runId: string,
  index: number,
  results: readonly TargetResult[],
): Promise<string> {
  const key = resultsKey(runId, index);
  await putJson(clients, bucket, key, { results });
  return key;
}

/**
 * Every batch's results of a run, in batch order, and how many batch objects were found.
 *
 * @example
 * ```ts
 * const { results, batches } = await readRunResults(clients, bucket, 'run-1');
 * ```
 */
export async function readRunResults(
  clients: AwsClients,
  bucket: string,
  runId: string,
): Promise<{ results: TargetResult[]; batches: number }> {
  const keys = await listKeys(clients, bucket, resultsPrefix(runId));
  const results: TargetResult[] = [];
  for (const key of keys) {
    const value = (await getJson(clients, bucket, key)) as { results?: unknown } | undefined;
    if (!value || !Array.isArray(value.results)) {
      throw new EksKitError('InvalidInput', `s3://${bucket}/${key} holds no batch results`);
    }
    results.push(...(value.results as TargetResult[]));
  }
  return { results, batches: keys.length };
}
