/** Waiting for a certificate to be ISSUED, on our own schedule, failing fast on terminal states. */
import {
  type AwsClients,
  EksKitError,
  InvalidInputError,
  type ProgressEvent,
  poll,
  type RateLimiterClock,
  sleep,
} from '@eks-kit/core';
import { normaliseFqdn, type ValidationRecord } from '../builders/validation-records.js';
import { chooseZone, type HostedZoneRef } from '../builders/zones.js';
import {
  type CertificateStatus,
  describeCertificate,
  type PollSchedule,
  regionOfCertificateArn,
  toCertificateStatus,
} from './describe.js';
import { findRecordSet, getChangeStatus, listHostedZones } from './route53.js';

/** Input of {@link waitUntilIssued}. */
export interface WaitUntilIssuedInput {
  arn: string;
  /** Region of the certificate (default: the ARN's). */
  region?: string;
  /** Give up after this many milliseconds (default 45 minutes). */
  timeout?: number;
  signal?: AbortSignal;
  onEvent?: (event: ProgressEvent) => void;
  /**
   * Polling schedule (default {@link DEFAULT_ISSUED_POLL_SCHEDULE}: the next look after 10% of the time
   * waited so far, at least 1 s and at most 30 s apart).
   */
  schedule?: PollSchedule;
  /** Route 53 change ids of the validation records: their INSYNC is reported as an event, never waited for. */
  changeIds?: readonly string[];
  /**
   * Ask Route 53 about `changeIds` (GetChange) only once the wait has lasted this long (default
   * {@link INSYNC_REPORT_AFTER_MS}, the time a change usually takes to be INSYNC,
   * docs/AWS-FACTS.md#route-53-change-batches). ACM does not wait for INSYNC, so the answer only
   * explains a slow validation: a certificate issued sooner costs no GetChange (issue 21).
   */
  insyncAfterMs?: number;
  /** Look the validation records up in Route 53 once, to fail fast when one is only in a private zone (default true). */
  checkRecords?: boolean;
  /**
   * The caller has just written the certificate's validation records (eks-kit apply passes it when its
   * run wrote them). ACM validates a record minutes after it is in DNS, never in the instant after the
   * write (docs/AWS-FACTS.md#acm-time-to-validate), so the first look waits the schedule's first
   * interval (`initialDelayMs`, 1 s by default) instead of being made at once: the look that could
   * only answer PENDING_VALIDATION is not sent (issue 21). The bound after ISSUED holds: a look within
   * max(1 s, 10% of the time waited) of it. Default false: the first look is at once.
   */
  recordsJustWritten?: boolean;
  /** Time source of the wait's delays and deadline (default real time): tests pass a fake one. */
  clock?: RateLimiterClock;
}

/**
 * How long {@link waitUntilIssued} waits before it asks Route 53 whether the validation records'
 * changes are INSYNC: 60 s, within which Route 53 usually propagates a change
 * (docs/AWS-FACTS.md#route-53-change-batches).
 *
 * @example
 * ```ts
 * await waitUntilIssued(clients, { arn, changeIds, insyncAfterMs: INSYNC_REPORT_AFTER_MS / 2 });
 * ```
 */
export const INSYNC_REPORT_AFTER_MS = 60_000;

/**
 * The schedule of {@link waitUntilIssued}: the next look after 10% of the time waited so far, at least
 * 1 s and at most 30 s apart, jitter only shortening a delay. ACM reports ISSUED some time D after the
 * request; the wait started after the request, so it has waited at most D, and the look after ISSUED
 * comes at most max(1 s, 10% of D) later (issue 21's goal), plus one call's round trip.
 *
 * DescribeCertificate's quota is 10 requests per second per account and region (AWS Certificate
 * Manager User Guide, "Quotas", API rate quotas, docs.aws.amazon.com/acm/latest/userguide/acm-limits.html,
 * read 2026-12-06): one waiter looks at most once a second, 10% of the quota, and less as the wait
 * grows (about 24 looks for a 30 s validation, 39 for 2 min, 60 for 10 min; the old 2 s x1.5 to 15 s
 * schedule made 7, 13 and 45 but returned up to 15 s late).
 */
export const DEFAULT_ISSUED_POLL_SCHEDULE: Required<
  Pick<PollSchedule, 'initialDelayMs' | 'maxDelayMs' | 'fractionOfElapsed' | 'jitter'>
> = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  fractionOfElapsed: 0.1,
  jitter: 0.1,
};

/**
 * The delay before {@link waitUntilIssued}'s next look, `elapsedMs` after its first: `fractionOfElapsed`
 * of it, clamped to [`initialDelayMs`, `maxDelayMs`], then shortened by up to `jitter` of itself (never
 * lengthened, so the bound of {@link DEFAULT_ISSUED_POLL_SCHEDULE} holds). Pure.
 *
 * @example
 * ```ts
 * issuedPollDelayMs(5_000, { jitter: 0 }); // 1000 (the 1 s floor)
 * issuedPollDelayMs(120_000, { jitter: 0 }); // 12000 (10% of 2 min)
 * issuedPollDelayMs(3_600_000, { jitter: 0 }); // 30000 (the cap)
 * ```
 */
export function issuedPollDelayMs(
  elapsedMs: number,
  schedule: PollSchedule = {},
  random: () => number = Math.random,
): number {
  const s = { ...DEFAULT_ISSUED_POLL_SCHEDULE, ...schedule };
  const base = Math.min(
    s.maxDelayMs,
    Math.max(s.initialDelayMs, s.fractionOfElapsed * Math.max(0, elapsedMs)),
  );
  const jitter = Math.min(1, Math.max(0, s.jitter));
  return Math.round(base * (1 - jitter * random()));
}

/** Why a certificate failed, and what to do, per ACM FailureReason. */
const FAILURE_HINTS: Record<string, string> = {
  CAA_ERROR:
    'a CAA record on the name (or its closest parent with CAA records) does not allow Amazon: add `0 issue "amazon.com"` there, then delete this certificate and request it again',
  DOMAIN_NOT_ALLOWED:
    'ACM refuses this domain (e.g. an AWS-owned name or a blocklisted one); choose another name',
  INVALID_PUBLIC_DOMAIN: 'the name is not under a public suffix that can be validated; check the spelling',
  DOMAIN_VALIDATION_DENIED: 'the domain owner denied validation; validate by DNS with a zone you control',
  ADDITIONAL_VERIFICATION_REQUIRED: 'ACM needs more checks for this name: open a case with AWS Support',
  NO_AVAILABLE_CONTACTS:
    'no contact could validate the domain: use DNS validation with a Route 53 public zone',
  PCA_INVALID_STATE: 'the private CA is not active',
};

/**
 * Wait until a certificate is ISSUED. Polls DescribeCertificate once a second at first, then every 10%
 * of the time waited so far, up to 30 s apart ({@link DEFAULT_ISSUED_POLL_SCHEDULE}): it returns at
 * most max(1 s, 10% of the time ACM took) after ISSUED (the SDK's CertificateValidated waiter polls 60-120 s apart and never looks at
 * VALIDATION_TIMED_OUT, docs/AWS-FACTS.md#acm-sdk-waiter). Route 53's INSYNC is reported as an event, not waited for
 * (ACM does not need it), and asked about only once the wait has lasted `insyncAfterMs` (60 s). Fails fast with the reason and the fix on FAILED (e.g. CAA_ERROR),
 * VALIDATION_TIMED_OUT, REVOKED/EXPIRED/INACTIVE, or a validation record that only exists in a
 * private hosted zone (ACM only sees public DNS).
 *
 * @example
 * ```ts
 * const status = await waitUntilIssued(clients, { arn, timeout: 30 * 60_000, onEvent: (e) => console.error(e.message) });
 * console.log(status.status); // 'ISSUED'
 * ```
 */
export async function waitUntilIssued(
  clients: AwsClients,
  input: WaitUntilIssuedInput,
): Promise<CertificateStatus> {
  const arnRegion = regionOfCertificateArn(input.arn);
  if (input.region !== undefined && input.region !== arnRegion) {
    throw new InvalidInputError('region', input.region, `${arnRegion} (the certificate's region)`);
  }
  const timeoutMs = input.timeout ?? 45 * 60_000;
  if (!(typeof timeoutMs === 'number' && timeoutMs > 0))
    throw new InvalidInputError('timeout', timeoutMs, 'a positive number of milliseconds');
  const schedule = { ...DEFAULT_ISSUED_POLL_SCHEDULE, ...input.schedule };
  for (const key of ['initialDelayMs', 'maxDelayMs', 'fractionOfElapsed', 'jitter'] as const) {
    const value = schedule[key];
    if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0))
      throw new InvalidInputError(`schedule.${key}`, value, 'a number >= 0');
  }
  const emit = (event: ProgressEvent): void => input.onEvent?.(event);
  const pendingChanges = new Set(input.changeIds ?? []);
  const insyncAfterMs = input.insyncAfterMs ?? INSYNC_REPORT_AFTER_MS;
  if (!(typeof insyncAfterMs === 'number' && insyncAfterMs >= 0))
    throw new InvalidInputError('insyncAfterMs', insyncAfterMs, 'a number of milliseconds >= 0');
  const clock: RateLimiterClock = input.clock ?? { now: () => Date.now(), sleep };
  const started = clock.now();
  // Records written an instant ago: ACM has not validated them, the first look waits one interval.
  const firstDelayMs =
    input.recordsJustWritten === true ? Math.min(timeoutMs, issuedPollDelayMs(0, schedule)) : 0;
  if (firstDelayMs > 0) await clock.sleep(firstDelayMs, input.signal);
  let recordsChecked = input.checkRecords === false;
  let lastStatus: string | undefined;
  return poll(
    async () => {
      const status = toCertificateStatus(await describeCertificate(clients, input.arn, input.signal));
      if (status.status !== lastStatus) {
        emit({
          type: 'certificate.status',
          message: `certificate ${input.arn} is ${status.status}`,
          resource: input.arn,
          status: status.status,
        });
        lastStatus = status.status;
      }
      failOnTerminal(status);
      if (status.status === 'ISSUED') return { done: true, value: status };
      const askRoute53 = clock.now() - started >= insyncAfterMs;
      for (const id of askRoute53 ? [...pendingChanges] : []) {
        if ((await getChangeStatus(clients, id, input.signal)) === 'INSYNC') {
          pendingChanges.delete(id);
          emit({ type: 'route53.insync', message: `Route 53 change ${id} is INSYNC`, resource: id });
        }
      }
      if (!recordsChecked && status.recordsReady && status.status === 'PENDING_VALIDATION') {
        recordsChecked = true;
        await checkRecordsVisible(clients, input.arn, status.records, emit, input.signal);
      }
      return { done: false, status: status.status };
    },
    {
      // The schedule counts from the start of the wait, the first interval included.
      nextDelayMs: ({ elapsedMs }) => issuedPollDelayMs(elapsedMs + firstDelayMs, schedule),
      timeoutMs: timeoutMs - firstDelayMs,
      clock,
      ...(input.signal ? { signal: input.signal } : {}),
      description: `certificate ${input.arn} to be ISSUED`,
      onAttempt: ({ attempt, status, delayMs }) =>
        emit({
          type: 'certificate.waiting',
          message: `certificate is ${status ?? 'unknown'} (look ${attempt}); next look in ${Math.round(delayMs / 100) / 10}s`,
          resource: input.arn,
        }),
    },
  );
}

function failOnTerminal(status: CertificateStatus): void {
  const arn = status.arn;
  switch (status.status) {
    case 'FAILED': {
      const reason = status.failureReason ?? 'OTHER';
      throw new EksKitError('CertificateFailed', `certificate ${arn} FAILED: ${reason}`, {
        hint:
          FAILURE_HINTS[reason] ??
          'read the FailureReason in the ACM console, fix it, delete the certificate and request it again',
      });
    }
    case 'VALIDATION_TIMED_OUT':
      throw new EksKitError(
        'ValidationTimedOut',
        `certificate ${arn} is VALIDATION_TIMED_OUT: ACM did not see the validation CNAME in public DNS within 72 hours`,
        {
          hint: 'put the CNAME in a public, delegated hosted zone (not a private one), delete this certificate and request a new one',
        },
      );
    case 'REVOKED':
    case 'EXPIRED':
    case 'INACTIVE':
      throw new EksKitError(
        'CertificateUnusable',
        `certificate ${arn} is ${status.status} and will never be ISSUED`,
        {
          hint: 'request a new certificate',
        },
      );
    default:
  }
}

async function checkRecordsVisible(
  clients: AwsClients,
  arn: string,
  records: readonly ValidationRecord[],
  emit: (event: ProgressEvent) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const zones = await listHostedZones(clients, signal);
  for (const record of records) {
    let zone: HostedZoneRef | undefined;
    try {
      zone = chooseZone(record.name, zones);
    } catch (error) {
      if (error instanceof EksKitError && error.code === 'AmbiguousZone') {
        emit({
          type: 'route53.record.unknown',
          message: `${error.message}; waiting anyway`,
          resource: record.name,
        });
        continue;
      }
      zone = undefined; // no public zone: maybe served outside Route 53
    }
    const found = zone ? await findRecordSet(clients, zone.id, record.name, 'CNAME', signal) : undefined;
    if (found) {
      if (found.values.map(normaliseFqdn).join(',') !== record.value) {
        emit({
          type: 'route53.record.mismatch',
          message: `validation record ${record.name} points to ${found.values.join(', ')}, not ${record.value}`,
          resource: record.name,
        });
      }
      continue;
    }
    const privateZones = zones.filter(
      (z) => z.private && (record.name === z.name || record.name.endsWith(`.${z.name}`)),
    );
    for (const candidate of privateZones) {
      if (await findRecordSet(clients, candidate.id, record.name, 'CNAME', signal)) {
        throw new EksKitError(
          'RecordInPrivateZone',
          `certificate ${arn} can never be validated: its record ${record.name} is in private hosted zone ${candidate.id} (${candidate.name}), and ACM only sees public DNS (it would time out after 72 hours)`,
          {
            hint: zone
              ? `create ${record.name} CNAME ${record.value} in public zone ${zone.id} (${zone.name}) (eks-kit cert request writes it)`
              : `create a public hosted zone for ${record.name} or a parent, delegate it, and put ${record.name} CNAME ${record.value} there`,
          },
        );
      }
    }
    emit({
      type: 'route53.record.missing',
      message: zone
        ? `validation record ${record.name} CNAME ${record.value} is not in zone ${zone.id} (${zone.name}) yet`
        : `validation record ${record.name} is in no public Route 53 zone; create it where the domain's DNS is served`,
      resource: record.name,
    });
  }
}

/**
 * Deprecated name of {@link waitUntilIssued} (renamed to the `waitUntil*` naming of the AWS SDK's
 * waiters); same function, same input. Kept for one minor version.
 *
 * @deprecated Use {@link waitUntilIssued}.
 * @example
 * ```ts
 * const status = await waitUntilIssued(clients, { arn }); // instead of waitForIssued(clients, { arn })
 * ```
 */
export const waitForIssued: typeof waitUntilIssued = waitUntilIssued;

/** @deprecated Use {@link WaitUntilIssuedInput}: input of {@link waitUntilIssued}. */
export type WaitForIssuedInput = WaitUntilIssuedInput;
