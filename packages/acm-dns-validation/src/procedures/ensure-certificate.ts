/** Requesting (or reusing) a certificate and putting its validation records in Route 53. */
import { AddTagsToCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import {
  type AwsClients,
  adoptChange,
  applyPlan,
  type Change,
  deadlineOf,
  decideOwnership,
  type EnsureOptions,
  InvalidInputError,
  type PlannedChange,
  STACK_TAG_KEY,
  wrapAwsError,
} from '@eks-kit/core';
import {
  type CertificateRequestInput,
  idempotencyToken,
  type NormalisedCertificateRequest,
  normaliseCertificateRequest,
} from '../builders/request.js';
import type { ValidationRecord } from '../builders/validation-records.js';
import { chooseZone } from '../builders/zones.js';
import { type PollSchedule, waitUntilValidationRecords } from './describe.js';
import { ensureValidationRecords } from './ensure-validation-records.js';
import { findCertificate } from './find-certificate.js';
import { listHostedZones } from './route53.js';
import { waitUntilIssued } from './wait-for-issued.js';

/** Input of {@link ensureCertificate}. */
export interface EnsureCertificateInput extends CertificateRequestInput {
  /** Wait until ISSUED after the records are in place: `true`, or options. */
  wait?: boolean | { timeout?: number; schedule?: PollSchedule };
  /** Schedule of the wait for ACM's validation records (default: 1 s, x1.5, capped at 15 s). */
  recordsSchedule?: PollSchedule;
  /** Give up waiting for ACM's validation records after this many ms (default 5 minutes). */
  recordsTimeout?: number;
}

/** Result of {@link ensureCertificate}. */
export interface EnsureCertificateResult {
  changes: Change[];
  /** The certificate ARN (undefined in a dry run that would request a new one). */
  arn: string | undefined;
  /** The validation records (empty in a dry run that would request a new one). */
  records: ValidationRecord[];
  /** ACM status after the run (`ISSUED` when waited for; `NEW` in a dry run that would request one). */
  status: string;
  /** Route 53 change ids of the UPSERTs sent. */
  changeIds: string[];
}

/**
 * Converge to one ACM certificate validated by DNS in Route 53. Validates all input first (names,
 * wildcard placement, 64-octet domain name, SAN quota, key algorithm, region, CloudFront's
 * us-east-1), checks that every name has a public hosted zone, then reuses a certificate that
 * already serves the request (any key type) or requests one with a deterministic IdempotencyToken
 * (two concurrent runs get one certificate), tags it `eks-kit:stack=<stack>`, waits for ACM's
 * validation records and UPSERTs them. Never deletes a record. Optionally waits for ISSUED.
 * Ownership (core's rule): a certificate tagged for another stack is never reused; a matching one
 * without the stack tag (requested by hand) is reused only with `options.adopt` (else
 * `NotOwnedByStack`, before any write; a dry run shows the `adopt:` change).
 *
 * @example
 * ```ts
 * const clients = await createClients({ region: 'eu-west-1' });
 * const { arn, records, status, changes } = await ensureCertificate(clients, {
 *   domainName: '*.foo.example.com',
 *   subjectAlternativeNames: ['foo.example.com'],
 *   stack: 'prod',
 *   wait: true,
 * });
 * console.log(renderChanges(changes), arn, status);
 * ```
 */
export async function ensureCertificate(
  clients: AwsClients,
  input: EnsureCertificateInput,
  options: EnsureOptions = {},
): Promise<EnsureCertificateResult> {
  const request = normaliseCertificateRequest(input, clients.region);
  validateWaitOptions(input); // before any AWS call, not after the certificate is requested
  const deadline = deadlineOf(options);
  const signal = options.signal;
  const zones = await listHostedZones(clients, signal);
  for (const name of request.names) chooseZone(name, zones, request.zones); // fail before requesting anything
  const found = await findCertificate(clients, request, signal ? { signal } : {});
  if (found)
    options.onEvent?.({
      type: 'certificate.found',
      message: `reusing certificate ${found.arn} (${found.status})`,
      resource: found.arn,
    });
  const target: { arn?: string } = found ? { arn: found.arn } : {};
  const steps = found
    ? await planReuse(clients, request, found, options)
    : planRequest(clients, request, target, options);
  const { changes } = await applyPlan(steps, { ...options, deadline });
  // Requested just now: its records come seconds later (waitUntilValidationRecords' first look waits).
  const requestedAt = !found && target.arn ? Date.now() : undefined;
  if (!target.arn) {
    // A dry run that would request a new certificate: its records are known only after the request.
    changes.push({
      action: 'create',
      resource: `route53 validation records for ${request.domainName}`,
      summary: 'UPSERT the validation CNAMEs ACM gives after the request (names known then)',
    });
    return { changes, arn: undefined, records: [], status: 'NEW', changeIds: [] };
  }
  const arn = target.arn;
  const records = await waitUntilValidationRecords(clients, {
    arn,
    ...(input.recordsTimeout !== undefined ? { timeoutMs: input.recordsTimeout } : {}),
    ...(input.recordsSchedule ? { schedule: input.recordsSchedule } : {}),
    ...(requestedAt !== undefined ? { requestedAt } : {}),
    ...(signal ? { signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const recordResult = await ensureValidationRecords(
    clients,
    { records, zones, explicitZones: request.zones },
    {
      ...(options.dryRun ? { dryRun: true } : {}),
      ...(signal ? { signal } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(deadline !== undefined ? { timeoutMs: Math.max(1, deadline - Date.now()) } : {}),
    },
  );
  changes.push(...recordResult.changes);
  const status = await finalStatus(clients, input, options, {
    arn,
    changeIds: recordResult.changeIds,
    status: found?.status ?? 'PENDING_VALIDATION',
  });
  return { changes, arn, records, status, changeIds: recordResult.changeIds };
}

/** The status after the run: waited for ISSUED when asked (never in a dry run), else as found. */
async function finalStatus(
  clients: AwsClients,
  input: EnsureCertificateInput,
  options: EnsureOptions,
  at: { arn: string; changeIds: string[]; status: string },
): Promise<string> {
  if (!input.wait || options.dryRun) return at.status;
  const waitOptions = typeof input.wait === 'object' ? input.wait : {};
  const done = await waitUntilIssued(clients, {
    arn: at.arn,
    changeIds: at.changeIds,
    ...(waitOptions.timeout !== undefined ? { timeout: waitOptions.timeout } : {}),
    ...(waitOptions.schedule ? { schedule: waitOptions.schedule } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  return done.status;
}

/**
 * Reusing a certificate goes through the ownership rule (core): findCertificate never answers
 * another stack's certificate; one without the stack tag (requested by hand) is reused only when
 * adopted. Missing tags (the stack tag of an adoption among them) go in one AddTagsToCertificate.
 */
async function planReuse(
  clients: AwsClients,
  request: NormalisedCertificateRequest,
  found: { arn: string; tags: Record<string, string> },
  options: EnsureOptions,
): Promise<PlannedChange[]> {
  const resource = `acm certificate ${found.arn}`;
  const adopting =
    request.stack !== undefined &&
    decideOwnership({
      resource,
      tags: found.tags,
      stack: request.stack,
      adopt: options.adopt,
      dryRun: options.dryRun,
    }).adopting;
  const adopt =
    adopting && request.stack !== undefined ? adoptChange(resource, request.stack, options.adopt) : undefined;
  const steps: PlannedChange[] = adopt ? [{ change: adopt }] : [];
  const missing = Object.entries(request.tags).filter(([k, v]) => found.tags[k] !== v);
  const shown = missing.filter(([k]) => !(adopting && k === STACK_TAG_KEY));
  if (missing.length === 0) return steps;
  const acm = await clients.acm(request.region);
  steps.push({
    ...(shown.length > 0
      ? {
          change: {
            action: 'tag' as const,
            resource,
            summary: `tag ${shown.map(([k, v]) => `${k}=${v}`).join(', ')}`,
            before: Object.fromEntries(shown.map(([k]) => [k, found.tags[k] ?? null])),
            after: Object.fromEntries(shown),
          },
        }
      : { event: { type: 'applied', resource, message: adopt?.summary ?? '' } }),
    operation: 'acm:AddTagsToCertificate',
    target: found.arn,
    apply: () =>
      acm.send(
        new AddTagsToCertificateCommand({
          CertificateArn: found.arn,
          Tags: missing.map(([Key, Value]) => ({ Key, Value })),
        }),
        { abortSignal: options.signal },
      ),
  });
  return steps;
}

/** A new certificate: one RequestCertificate; the ARN it answers goes into `target`. */
function planRequest(
  clients: AwsClients,
  request: NormalisedCertificateRequest,
  target: { arn?: string },
  options: EnsureOptions,
): PlannedChange[] {
  return [
    {
      change: {
        action: 'create',
        resource: `acm certificate ${request.domainName}`,
        summary: `request ${request.keyAlgorithm} certificate for ${request.names.join(', ')} in ${request.region}, DNS validation`,
        after: { names: request.names, keyAlgorithm: request.keyAlgorithm, tags: request.tags },
      },
      apply: async () => {
        target.arn = await requestCertificate(clients, request, options.signal);
        return target.arn;
      },
      event: (arn) => ({
        type: 'certificate.requested',
        message: `requested certificate ${String(arn)}`,
        resource: String(arn),
      }),
    },
  ];
}

function validateWaitOptions(input: EnsureCertificateInput): void {
  const positive = (value: unknown): boolean => typeof value === 'number' && value > 0;
  if (input.recordsTimeout !== undefined && !positive(input.recordsTimeout))
    throw new InvalidInputError('recordsTimeout', input.recordsTimeout, 'a positive number of milliseconds');
  const wait = input.wait;
  if (wait === undefined || typeof wait === 'boolean') return;
  if (typeof wait !== 'object' || wait === null)
    throw new InvalidInputError('wait', wait, 'true, false or { timeout, schedule }');
  if (wait.timeout !== undefined && !positive(wait.timeout))
    throw new InvalidInputError('wait.timeout', wait.timeout, 'a positive number of milliseconds');
}

async function requestCertificate(
  clients: AwsClients,
  request: NormalisedCertificateRequest,
  signal: AbortSignal | undefined,
): Promise<string> {
  const acm = await clients.acm(request.region);
  const tags = Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value }));
  const out = await acm
    .send(
      new RequestCertificateCommand({
        DomainName: request.domainName,
        ...(request.subjectAlternativeNames.length > 0
          ? { SubjectAlternativeNames: [request.domainName, ...request.subjectAlternativeNames] }
          : {}),
        ValidationMethod: 'DNS',
        KeyAlgorithm: request.keyAlgorithm,
        IdempotencyToken: idempotencyToken(request),
        Options: {
          CertificateTransparencyLoggingPreference: request.transparencyLogging ? 'ENABLED' : 'DISABLED',
        },
        ...(tags.length > 0 ? { Tags: tags } : {}),
      }),
      { abortSignal: signal },
    )
    .catch((e) => {
      throw wrapAwsError(e, 'acm:RequestCertificate', request.domainName);
    });
  if (!out.CertificateArn)
    throw wrapAwsError(new Error('no CertificateArn in the answer'), 'acm:RequestCertificate');
  return out.CertificateArn;
}
