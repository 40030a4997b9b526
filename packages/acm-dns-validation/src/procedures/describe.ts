/** Small ACM reads: a certificate's status and its validation records. */
import { type CertificateDetail, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import {
  type AwsClients,
  EksKitError,
  InvalidInputError,
  type ProgressEvent,
  parseArn,
  poll,
  sleep,
  wrapAwsError,
} from '@eks-kit/core';
import { keyAlgorithmOf } from '../builders/request.js';
import { type ValidationRecord, validationRecordsOf } from '../builders/validation-records.js';

/** How often to poll: seconds apart at first, backing off to a cap (not the SDK waiter's 60-120 s). */
export interface PollSchedule {
  /** Delay before the second look (default 2,000 ms). */
  initialDelayMs?: number;
  /** Cap of the delay (default 15,000 ms). */
  maxDelayMs?: number;
  /** Growth factor (default 1.5). */
  factor?: number;
  /** Random fraction of each delay (default 0.2). */
  jitter?: number;
  /**
   * `waitUntilIssued` only: each delay is this fraction of the time waited so far (default 0.1), at
   * least `initialDelayMs` and at most `maxDelayMs`; `factor` is not used there.
   */
  fractionOfElapsed?: number;
}

/** The schedule used when none is given. */
export const DEFAULT_POLL_SCHEDULE: Required<Omit<PollSchedule, 'fractionOfElapsed'>> = {
  initialDelayMs: 2_000,
  maxDelayMs: 15_000,
  factor: 1.5,
  jitter: 0.2,
};

/**
 * When to look for a new certificate's validation records (issue 22). ACM's API reference says
 * DescribeCertificate has nothing for "several seconds" after RequestCertificate; users measured the
 * records 1-3 s after the request (docs/AWS-FACTS.md#acm-validation-records). So: no look at once
 * (it never finds them), the first at 1 s, then every 0.75 s while they are expected (until 4 s), then
 * half the time since the request, capped at 15 s. A record that appears at 1-4 s is seen at most
 * 0.75 s later, with no more DescribeCertificate calls than the old schedule (at once, 1 s, 2.5 s,
 * 4.75 s...) made before seeing it, and at most 1.33 calls a second per certificate, far below
 * ACM's 10 per second (docs/AWS-FACTS.md#acm-request-rate-quotas).
 *
 * @example
 * ```ts
 * RECORDS_SCHEDULE.firstLookMs; // 1000
 * ```
 */
export const RECORDS_SCHEDULE = {
  firstLookMs: 1_000,
  everyMs: 750,
  steadyUntilMs: 4_000,
  maxDelayMs: 15_000,
} as const;

/** A certificate's status in a few fields. */
export interface CertificateStatus {
  arn: string;
  domainName: string;
  names: string[];
  status: string;
  /** In the form RequestCertificate takes (`RSA_2048`), although ACM answers `RSA-2048`. */
  keyAlgorithm: string | undefined;
  failureReason: string | undefined;
  notAfter: Date | undefined;
  inUseBy: string[];
  renewalStatus: string | undefined;
  renewalEligibility: string | undefined;
  /** Validation records; empty while ACM has not made them yet. */
  records: ValidationRecord[];
  /** False while some DNS validation option has no ResourceRecord yet. */
  recordsReady: boolean;
}

/**
 * The region of an ACM certificate ARN; throws {@link InvalidInputError} naming `field` for anything else.
 *
 * @example
 * ```ts
 * regionOfCertificateArn('arn:aws:acm:eu-west-1:123456789012:certificate/abc'); // 'eu-west-1'
 * ```
 */
export function regionOfCertificateArn(arn: unknown, field = 'arn'): string {
  const parsed = parseArn(arn, field);
  if (parsed.service !== 'acm' || !parsed.resource.startsWith('certificate/') || parsed.region === '') {
    throw new InvalidInputError(
      field,
      arn,
      'an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)',
    );
  }
  return parsed.region;
}

/**
 * DescribeCertificate, wrapped.
 *
 * @example
 * ```ts
 * const detail = await describeCertificate(clients, arn);
 * ```
 */
export async function describeCertificate(
  clients: AwsClients,
  arn: string,
  signal?: AbortSignal,
): Promise<CertificateDetail> {
  const acm = await clients.acm(regionOfCertificateArn(arn));
  const out = await acm
    .send(new DescribeCertificateCommand({ CertificateArn: arn }), { abortSignal: signal })
    .catch((e) => {
      throw wrapAwsError(e, 'acm:DescribeCertificate', arn);
    });
  if (!out.Certificate) throw new EksKitError('NotFound', `certificate ${arn} not found`);
  return out.Certificate;
}

/**
 * Summarise a DescribeCertificate result.
 *
 * @example
 * ```ts
 * toCertificateStatus(detail).status; // 'PENDING_VALIDATION'
 * ```
 */
export function toCertificateStatus(detail: CertificateDetail): CertificateStatus {
  const records = validationRecordsOf(detail.DomainValidationOptions ?? []);
  return {
    arn: detail.CertificateArn ?? '',
    domainName: detail.DomainName ?? '',
    names: detail.SubjectAlternativeNames ?? (detail.DomainName ? [detail.DomainName] : []),
    status: detail.Status ?? 'UNKNOWN',
    keyAlgorithm: keyAlgorithmOf(detail.KeyAlgorithm),
    failureReason: detail.FailureReason,
    notAfter: detail.NotAfter,
    inUseBy: detail.InUseBy ?? [],
    renewalStatus: detail.RenewalSummary?.RenewalStatus,
    renewalEligibility: detail.RenewalEligibility,
    records: records ?? [],
    recordsReady: records !== undefined,
  };
}

/**
 * A certificate's status, names, expiry, renewal state and validation records (one DescribeCertificate).
 *
 * @example
 * ```ts
 * const s = await describeCertificateStatus(clients, { arn });
 * console.log(s.status, s.records.map((r) => `${r.name} CNAME ${r.value}`));
 * ```
 */
export async function describeCertificateStatus(
  clients: AwsClients,
  input: { arn: string; signal?: AbortSignal },
): Promise<CertificateStatus> {
  regionOfCertificateArn(input.arn);
  return toCertificateStatus(await describeCertificate(clients, input.arn, input.signal));
}

/**
 * The certificate's validation records, polling until every DNS validation option has its
 * ResourceRecord (ACM adds them seconds after the request, docs/AWS-FACTS.md#acm-validation-records), deduplicated by name.
 * Given `requestedAt` (the certificate was just requested) and no `schedule`, it follows
 * {@link RECORDS_SCHEDULE}: the first look 1 s after the request, then every 0.75 s until 4 s after
 * it, then half the time since the request (at most 15 s); else the first look is at once.
 *
 * @example
 * ```ts
 * const records = await waitUntilValidationRecords(clients, { arn, timeoutMs: 120_000 });
 * // [{ name: '_a.foo.example.com', type: 'CNAME', value: '_b.acm-validations.aws', domains: ['*.foo.example.com', 'foo.example.com'] }]
 * ```
 */
export async function waitUntilValidationRecords(
  clients: AwsClients,
  input: {
    arn: string;
    timeoutMs?: number;
    schedule?: PollSchedule;
    /** When RequestCertificate returned (epoch ms): the records are not there before (see above). */
    requestedAt?: number;
    signal?: AbortSignal;
    onEvent?: (event: ProgressEvent) => void;
  },
): Promise<ValidationRecord[]> {
  regionOfCertificateArn(input.arn);
  const schedule = { ...DEFAULT_POLL_SCHEDULE, initialDelayMs: 1_000, ...input.schedule };
  const fresh = input.requestedAt !== undefined && input.schedule === undefined;
  if (fresh) {
    const wait = (input.requestedAt as number) + RECORDS_SCHEDULE.firstLookMs - Date.now();
    if (wait > 0) await sleep(wait, input.signal);
  }
  const sinceRequest = (elapsedMs: number): number => RECORDS_SCHEDULE.firstLookMs + elapsedMs;
  return poll(
    async () => {
      const detail = await describeCertificate(clients, input.arn, input.signal);
      const records = validationRecordsOf(detail.DomainValidationOptions ?? []);
      if (records) return { done: true, value: records };
      return { done: false, status: 'waiting for ACM to add the validation records' };
    },
    {
      ...schedule,
      ...(fresh
        ? {
            nextDelayMs: ({ elapsedMs }: { elapsedMs: number }) =>
              sinceRequest(elapsedMs) < RECORDS_SCHEDULE.steadyUntilMs
                ? RECORDS_SCHEDULE.everyMs
                : Math.min(RECORDS_SCHEDULE.maxDelayMs, Math.max(1_000, sinceRequest(elapsedMs) / 2)),
          }
        : {}),
      timeoutMs: input.timeoutMs ?? 300_000,
      ...(input.signal ? { signal: input.signal } : {}),
      description: `the validation records of ${input.arn}`,
      onAttempt: ({ attempt, delayMs }) =>
        input.onEvent?.({
          type: 'certificate.records.waiting',
          message: `ACM has not made every validation record yet (look ${attempt}); next look in ${Math.round(delayMs / 100) / 10}s`,
          resource: input.arn,
        }),
    },
  );
}

/**
 * Deprecated name of {@link waitUntilValidationRecords} (the `waitUntil*` naming); same function.
 * Kept for one minor version.
 *
 * @deprecated Use {@link waitUntilValidationRecords}.
 * @example
 * ```ts
 * const records = await waitUntilValidationRecords(clients, { arn }); // instead of waitForValidationRecords
 * ```
 */
export const waitForValidationRecords: typeof waitUntilValidationRecords = waitUntilValidationRecords;
