/** Renewal health of ACM certificates, as findings. */
import type { CertificateDetail } from '@aws-sdk/client-acm';
import {
  type AwsClients,
  createRateLimiter,
  EksKitError,
  type Finding,
  finding,
  InvalidInputError,
  mapConcurrent,
  validateRegion,
} from '@eks-kit/core';
import { caaAllowsAmazon, caaLookupNames } from '../builders/caa.js';
import { STACK_TAG_KEY, validateStackName } from '../builders/request.js';
import { normaliseFqdn, validationRecordsOf } from '../builders/validation-records.js';
import { chooseZone, type HostedZoneRef } from '../builders/zones.js';
import { describeCertificate, regionOfCertificateArn } from '../procedures/describe.js';
import { certificateTags, listCertificates } from '../procedures/find-certificate.js';
import { listHostedZones, listRecordSets, type RecordSetRef } from '../procedures/route53.js';

/**
 * Client-side request rates (per real second). Defaults stay under ACM's API rate quotas (ListCertificates
 * 1/s, DescribeCertificate 10/s, ListTagsForCertificate 10/s per account and region: AWS Certificate
 * Manager User Guide, "Quotas", API rate quotas, docs.aws.amazon.com/acm/latest/userguide/acm-limits.html,
 * read 2026-12-06; docs/AWS-FACTS.md); a benchmark on a sped-up emulator scales them.
 */
export interface AcmRateLimits {
  listCertificatesPerSecond?: number;
  describeCertificatePerSecond?: number;
  listTagsForCertificatePerSecond?: number;
}

/**
 * The default rates: 95% of each quota, bursts of one. Calls are spaced 1/rate apart, so any one-second
 * window holds at most 10 DescribeCertificate calls (10 calls span 0.95 s, 11 span 1.05 s): the quota
 * is never reached. 95% (not 80%) keeps 1,000 certificates within 1.10x of the quota floor (bench
 * case acm-checks) with no throttling error.
 */
export const DEFAULT_ACM_RATE_LIMITS: Required<AcmRateLimits> = {
  listCertificatesPerSecond: 0.95,
  describeCertificatePerSecond: 9.5,
  listTagsForCertificatePerSecond: 9.5,
};

/**
 * Lifetime in days of a public ACM certificate issued or renewed since 2026-02-18 (AWS announcement
 * "ACM updates on certificate validity", 2026-02-18: CA/Browser Forum ballot SC-081v3 caps public
 * TLS certificates at 200 days from 2026-03-15). Before the change: 395 days.
 */
export const ACM_PUBLIC_LIFETIME_DAYS = 198;

/**
 * ACM's managed renewal window for 198-day certificates: renewal starts 45 days before expiry, as
 * reported from the 2026-02-18 announcement (joestechblog.info and nottinfra.co.uk, February 2026).
 * sjramblings.io (2026-02-20) says 60 days; ACM's user guide pages still describe 395-day
 * certificates. 45 is the later start: checking against it never calls a renewal late that ACM may
 * not have started (docs/AWS-FACTS.md#acm-198-day-certificates-and-the-renewal-window).
 */
export const ACM_RENEWAL_WINDOW_DAYS = 45;

/**
 * Days ACM is given, from the start of its renewal window, to finish a renewal whose prerequisites
 * (in use, CNAMEs, CAA) are in place before eks-kit calls it overdue. ACM retries renewal while
 * it can; a DNS-validated renewal with its CNAMEs in place completes within hours, so 15 days only
 * catches renewals that are stuck.
 */
export const ACM_RENEWAL_GRACE_DAYS = 15;

/**
 * Default `warnDays`: the renewal window. A certificate inside it is being renewed by ACM (warn).
 */
export const DEFAULT_CERT_WARN_DAYS = ACM_RENEWAL_WINDOW_DAYS;

/**
 * Default `failDays`: the renewal window less the grace. A certificate this close to expiry should
 * already have been renewed by ACM and has not: a failure, reported with why.
 */
export const DEFAULT_CERT_FAIL_DAYS = ACM_RENEWAL_WINDOW_DAYS - ACM_RENEWAL_GRACE_DAYS;

/** Which certificates to check. */
export interface CertificateSelection {
  /** These ARNs only. */
  arns?: string[];
  /** Certificates tagged `eks-kit:stack=<stack>`. */
  stack?: string;
  /** Certificates whose domain name is one of these. */
  domainNames?: string[];
}

/** Input of {@link checkCertificates}. */
export interface CheckCertificatesInput {
  /** Default: every certificate of the region. */
  select?: CertificateSelection;
  /** Region (default: the clients' region; an ARN's own region wins). */
  region?: string;
  /**
   * Warn when a certificate expires within this many days (default {@link DEFAULT_CERT_WARN_DAYS},
   * ACM's renewal window: 45).
   */
  warnDays?: number;
  /**
   * Fail when a certificate expires within this many days: ACM should have renewed it by then
   * (default {@link DEFAULT_CERT_FAIL_DAYS}: 30).
   */
  failDays?: number;
  /** Client-side rate limits (default {@link DEFAULT_ACM_RATE_LIMITS}). */
  rateLimits?: AcmRateLimits;
  /** Certificates described at once (default 8). */
  concurrency?: number;
  /** Look the validation CNAMEs and CAA records up in Route 53 (default true). */
  route53?: boolean;
  /** The time to compute days to expiry from (default now). */
  now?: Date;
  signal?: AbortSignal;
}

/**
 * Check ACM certificates for renewal health: status, days to expiry, renewal status and
 * eligibility, certificates not in use (ACM does not renew them), validation CNAMEs missing or
 * changed in Route 53 (the most common renewal failure) and CAA records that do not allow Amazon
 * (docs/AWS-FACTS.md#acm-statuses-and-renewal). Keeps within ACM's request-rate quotas with client-side limiters, so checking
 * 1,000 certificates throttles nothing.
 *
 * @example
 * ```ts
 * const findings = await checkCertificates(clients, { select: { stack: 'prod' }, warnDays: 45, failDays: 30 });
 * for (const f of findings.filter((f) => f.status !== 'ok')) console.log(f.status, f.resource, f.message);
 * ```
 */
export async function checkCertificates(
  clients: AwsClients,
  input: CheckCertificatesInput = {},
): Promise<Finding[]> {
  const warnDays = input.warnDays ?? DEFAULT_CERT_WARN_DAYS;
  const failDays = input.failDays ?? DEFAULT_CERT_FAIL_DAYS;
  if (!Number.isFinite(warnDays) || warnDays < 0)
    throw new InvalidInputError('warnDays', warnDays, 'a number of days >= 0');
  if (!Number.isFinite(failDays) || failDays < 0 || failDays > warnDays) {
    throw new InvalidInputError('failDays', failDays, `a number of days from 0 to warnDays (${warnDays})`);
  }
  const region = validateRegion(input.region ?? clients.region, 'region');
  const select = input.select ?? {};
  const stack = select.stack === undefined ? undefined : validateStackName(select.stack, 'select.stack');
  const arns = select.arns?.map((arn, i) => {
    regionOfCertificateArn(arn, `select.arns[${i}]`);
    return arn;
  });
  const domainNames = select.domainNames?.map((n) => normaliseFqdn(n));
  const rates = { ...DEFAULT_ACM_RATE_LIMITS, ...input.rateLimits };
  for (const [key, value] of Object.entries(rates)) {
    if (!(typeof value === 'number' && value > 0))
      throw new InvalidInputError(`rateLimits.${key}`, value, 'a positive number');
  }
  const concurrency = input.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new InvalidInputError('concurrency', concurrency, 'a whole number >= 1');
  const signal = input.signal;
  const listLimiter = createRateLimiter({ ratePerSecond: rates.listCertificatesPerSecond, burst: 1 });
  const describeLimiter = createRateLimiter({ ratePerSecond: rates.describeCertificatePerSecond, burst: 1 });
  const tagsLimiter = createRateLimiter({ ratePerSecond: rates.listTagsForCertificatePerSecond, burst: 1 });

  let targets: string[];
  if (arns) {
    targets = arns;
  } else {
    const summaries = await listCertificates(clients, {
      region,
      ...(signal ? { signal } : {}),
      beforeEachPage: () => listLimiter.acquire(signal),
    });
    targets = summaries
      .filter((s) => !domainNames || domainNames.includes((s.DomainName ?? '').toLowerCase()))
      .map((s) => s.CertificateArn)
      .filter((arn): arn is string => typeof arn === 'string');
  }
  // One pipeline per certificate: tags (when selecting by stack), describe, then its findings. The
  // ListTagsForCertificate and DescribeCertificate quotas are separate, so the two limiters run side by
  // side, and the Route 53 reads of the first certificates overlap the describes of the others.
  // The calls are the same as reading everything first; only their order interleaves.
  const dns = input.route53 === false ? undefined : createDnsView(clients, signal);
  const now = (input.now ?? new Date()).getTime();
  // The hosted zones do not depend on any certificate: read them beside the first describes (issue 22),
  // when every target is described at once (no stack selection, or a stack's few names).
  if (dns && targets.length > 0 && (stack === undefined || domainNames))
    void dns.zones().catch(() => undefined);
  const describe = async (arn: string): Promise<CertificateDetail> => {
    await describeLimiter.acquire(signal);
    return describeCertificate(clients, arn, signal);
  };
  const perCertificate = await mapConcurrent(targets, concurrency, async (arn): Promise<Finding[]> => {
    // Selected by names too (a stack's certificates: a few), the tags and the description are read
    // at once (issue 22: neither needs the other's answer); by tag alone (every certificate of a
    // region), the tags first, so a certificate of another stack costs no DescribeCertificate.
    const early = stack !== undefined && domainNames ? describe(arn) : undefined;
    early?.catch(() => undefined);
    if (stack !== undefined) {
      await tagsLimiter.acquire(signal);
      const tags = await certificateTags(clients, arn, regionOfCertificateArn(arn), signal);
      if (tags[STACK_TAG_KEY] !== stack) return [];
    }
    const detail = await (early ?? describe(arn));
    const own = certificateFindings(detail, { now, warnDays, failDays });
    const fromDns =
      dns && detail.Type !== 'IMPORTED' && detail.Type !== 'PRIVATE' ? await dnsFindings(detail, dns) : [];
    const overdue = own.find((f) => f.check === 'certificate.expiry' && f.status === 'fail');
    if (overdue) explainOverdue(overdue, fromDns);
    return [...own, ...fromDns];
  });
  const findings: Finding[] = [];
  for (const list of perCertificate) findings.push(...list);
  return findings;
}

/**
 * Findings from a DescribeCertificate result alone: status, expiry, renewal, in use. Pure.
 *
 * @example
 * ```ts
 * certificateFindings(detail, { now: Date.now(), warnDays: 30, failDays: 7 });
 * ```
 */
export function certificateFindings(
  detail: CertificateDetail,
  options: { now: number; warnDays: number; failDays: number },
): Finding[] {
  const arn = detail.CertificateArn ?? '?';
  const out: Finding[] = [];
  const status = detail.Status ?? 'UNKNOWN';
  const names = detail.SubjectAlternativeNames ?? [detail.DomainName ?? ''];
  const data = { status, domainName: detail.DomainName, names };
  out.push(statusFinding(detail, arn, data));
  if (detail.NotAfter && status === 'ISSUED') {
    const days = Math.floor((detail.NotAfter.getTime() - options.now) / 86_400_000);
    const expiry = { daysToExpiry: days, notAfter: detail.NotAfter.toISOString() };
    if (days <= options.failDays) {
      const reasons = renewalBlockers(detail);
      out.push(
        finding(
          'certificate.expiry',
          arn,
          'fail',
          `expires in ${days} days (${expiry.notAfter}) and ACM has not renewed it` +
            (reasons.length > 0 ? `: ${reasons.join('; ')}` : ''),
          {
            hint:
              reasons.length > 0
                ? 'fix what blocks renewal (see the renewal, in-use, validation-record and CAA findings); ACM renews in place within hours once it can'
                : `ACM renews from ${ACM_RENEWAL_WINDOW_DAYS} days before expiry; nothing visible blocks it: open an AWS support case, or request a new certificate for the same names and move its users to it`,
            data: { ...expiry, reasons },
          },
        ),
      );
    } else if (days <= options.warnDays)
      out.push(
        finding('certificate.expiry', arn, 'warn', `expires in ${days} days (${expiry.notAfter})`, {
          hint: `in ACM's renewal window (from ${ACM_RENEWAL_WINDOW_DAYS} days before expiry): ACM renews it in place when it is in use and its validation CNAMEs and CAA allow it`,
          data: expiry,
        }),
      );
    else out.push(finding('certificate.expiry', arn, 'ok', `expires in ${days} days`, { data: expiry }));
  }
  if (status === 'ISSUED' && detail.Type !== 'IMPORTED') {
    const renewal = detail.RenewalSummary?.RenewalStatus;
    const renewalData = {
      renewalStatus: renewal ?? null,
      renewalEligibility: detail.RenewalEligibility ?? null,
    };
    if (renewal === 'FAILED')
      out.push(
        finding(
          'certificate.renewal',
          arn,
          'fail',
          `renewal FAILED${detail.RenewalSummary?.RenewalStatusReason ? `: ${detail.RenewalSummary.RenewalStatusReason}` : ''}`,
          {
            hint: 'restore the validation CNAMEs and CAA permission; ACM retries until expiry',
            data: renewalData,
          },
        ),
      );
    else if (renewal === 'PENDING_VALIDATION')
      out.push(
        finding(
          'certificate.renewal',
          arn,
          'warn',
          'renewal is PENDING_VALIDATION: ACM cannot validate the names',
          {
            hint: 'put the validation CNAMEs back in the public hosted zone',
            data: renewalData,
          },
        ),
      );
    else if (detail.RenewalEligibility === 'INELIGIBLE')
      out.push(
        finding('certificate.renewal', arn, 'warn', 'not eligible for managed renewal', {
          hint: 'ACM renews only certificates in use by an AWS service: attach it or let it go',
          data: renewalData,
        }),
      );
    else
      out.push(
        finding('certificate.renewal', arn, 'ok', renewal ? `renewal ${renewal}` : 'eligible for renewal', {
          data: renewalData,
        }),
      );
    const inUseBy = detail.InUseBy ?? [];
    if (inUseBy.length === 0)
      out.push(
        finding('certificate.in-use', arn, 'warn', 'not in use: ACM will not renew it', {
          hint: 'attach it to a load balancer or CloudFront distribution, or delete it if unused',
          data: { inUseBy },
        }),
      );
    else
      out.push(
        finding('certificate.in-use', arn, 'ok', `in use by ${inUseBy.length} resource(s)`, {
          data: { inUseBy },
        }),
      );
  }
  return out;
}

/** Why ACM has not renewed a certificate, from its DescribeCertificate result alone. */
function renewalBlockers(detail: CertificateDetail): string[] {
  const reasons: string[] = [];
  if (detail.Type === 'IMPORTED') reasons.push('imported: ACM never renews imported certificates');
  if ((detail.InUseBy ?? []).length === 0) reasons.push('not in use: ACM renews only certificates in use');
  const summary = detail.RenewalSummary;
  if (summary?.RenewalStatus === 'PENDING_VALIDATION')
    reasons.push('renewal PENDING_VALIDATION: a validation record is missing or changed');
  if (summary?.RenewalStatus === 'FAILED')
    reasons.push(
      summary.RenewalStatusReason === 'CAA_ERROR'
        ? 'renewal FAILED: CAA records do not allow Amazon'
        : `renewal FAILED${summary.RenewalStatusReason ? ` (${summary.RenewalStatusReason})` : ''}`,
    );
  const email = (detail.DomainValidationOptions ?? []).some((o) => o.ValidationMethod === 'EMAIL');
  if (email) reasons.push('validated by email: renewal waits for the domain owner to approve');
  return reasons;
}

/** Adds what Route 53 shows (missing or changed CNAME, CAA) to an overdue expiry finding. */
function explainOverdue(overdue: Finding, fromDns: readonly Finding[]): void {
  const data = overdue.data ?? {};
  const reasons = [...((data.reasons as string[] | undefined) ?? [])];
  const add = (reason: string) => {
    if (!reasons.includes(reason)) reasons.push(reason);
  };
  for (const f of fromDns) {
    if (f.status !== 'fail') continue;
    if (f.check === 'certificate.validation-record') add(`validation record: ${f.message}`);
    if (f.check === 'certificate.caa') add(`CAA: ${f.message}`);
  }
  if (reasons.length === ((data.reasons as string[] | undefined) ?? []).length) return;
  const head = overdue.message.split(': ')[0] ?? overdue.message;
  overdue.message = `${head}: ${reasons.join('; ')}`;
  overdue.hint =
    'fix what blocks renewal (see the renewal, in-use, validation-record and CAA findings); ACM renews in place within hours once it can';
  overdue.data = { ...data, reasons };
}

/** Route 53 read once per zone and shared by every certificate. */
interface DnsView {
  zones(): Promise<HostedZoneRef[]>;
  records(zoneId: string): Promise<RecordSetRef[]>;
}

function createDnsView(clients: AwsClients, signal: AbortSignal | undefined): DnsView {
  let zones: Promise<HostedZoneRef[]> | undefined;
  const records = new Map<string, Promise<RecordSetRef[]>>();
  return {
    zones: () => {
      zones ??= listHostedZones(clients, signal);
      return zones;
    },
    records: (zoneId) => {
      let list = records.get(zoneId);
      if (!list) {
        list = listRecordSets(clients, zoneId, signal);
        records.set(zoneId, list);
      }
      return list;
    },
  };
}

async function dnsFindings(detail: CertificateDetail, dns: DnsView): Promise<Finding[]> {
  const arn = detail.CertificateArn ?? '?';
  const out: Finding[] = [];
  const zones = await dns.zones();
  for (const record of validationRecordsOf(detail.DomainValidationOptions ?? []) ?? []) {
    const resource = `${arn} ${record.name}`;
    let zone: HostedZoneRef;
    try {
      zone = chooseZone(record.name, zones);
    } catch (error) {
      const e = error as EksKitError;
      out.push(
        finding(
          'certificate.validation-record',
          resource,
          e instanceof EksKitError && e.code === 'PrivateZoneOnly' ? 'fail' : 'warn',
          e.message,
          {
            ...(e.hint ? { hint: e.hint } : {}),
            data: { name: record.name, value: record.value },
          },
        ),
      );
      continue;
    }
    const set = (await dns.records(zone.id)).find((r) => r.name === record.name && r.type === 'CNAME');
    const data = { name: record.name, expected: record.value, zoneId: zone.id };
    if (!set)
      out.push(
        finding(
          'certificate.validation-record',
          resource,
          'fail',
          `validation CNAME ${record.name} is missing from zone ${zone.id} (${zone.name})`,
          {
            hint: `recreate it: ${record.name} CNAME ${record.value} (eks-kit cert request writes it); without it ACM cannot renew`,
            data,
          },
        ),
      );
    else if (set.values.map(normaliseFqdn).join(',') !== record.value)
      out.push(
        finding(
          'certificate.validation-record',
          resource,
          'fail',
          `validation CNAME ${record.name} points to ${set.values.join(', ')}, not ${record.value}`,
          {
            hint: `set it back to ${record.value}; without it ACM cannot renew`,
            data: { ...data, actual: set.values },
          },
        ),
      );
    else
      out.push(
        finding(
          'certificate.validation-record',
          resource,
          'ok',
          `validation CNAME ${record.name} is in place`,
          { data },
        ),
      );
  }
  const names = [
    ...new Set((detail.SubjectAlternativeNames ?? [detail.DomainName ?? '']).map((n) => n.toLowerCase())),
  ];
  for (const name of names) {
    const verdict = await caaVerdict(name, dns, zones);
    if (!verdict) continue;
    const resource = `${arn} ${name}`;
    if (verdict.allowed)
      out.push(
        finding('certificate.caa', resource, 'ok', `CAA at ${verdict.at} allows Amazon`, { data: verdict }),
      );
    else
      out.push(
        finding(
          'certificate.caa',
          resource,
          'fail',
          `CAA records at ${verdict.at} do not allow Amazon to issue for ${name}`,
          {
            hint: `add ${verdict.at} CAA 0 issue "amazon.com" (amazontrust.com, awstrust.com and amazonaws.com also work)`,
            data: verdict,
          },
        ),
      );
  }
  return out;
}

async function caaVerdict(
  name: string,
  dns: DnsView,
  zones: readonly HostedZoneRef[],
): Promise<{ at: string; values: string[]; allowed: boolean } | undefined> {
  for (const candidate of caaLookupNames(name)) {
    let zone: HostedZoneRef;
    try {
      zone = chooseZone(candidate, zones);
    } catch {
      return undefined; // served outside Route 53 (or ambiguous): cannot tell
    }
    const set = (await dns.records(zone.id)).find((r) => r.name === candidate && r.type === 'CAA');
    if (set)
      return {
        at: candidate,
        values: set.values,
        allowed: caaAllowsAmazon(set.values, name.startsWith('*.')),
      };
  }
  return undefined;
}

/** The `certificate.status` finding of a DescribeCertificate result. */
function statusFinding(
  detail: CertificateDetail,
  arn: string,
  data: { status: string; domainName: string | undefined; names: string[] },
): Finding {
  const { status, names } = data;
  if (status === 'ISSUED')
    return finding('certificate.status', arn, 'ok', `ISSUED for ${names.join(', ')}`, { data });
  if (status === 'PENDING_VALIDATION')
    return finding('certificate.status', arn, 'warn', `still PENDING_VALIDATION for ${names.join(', ')}`, {
      hint: 'make sure the validation CNAMEs are in a public hosted zone; ACM gives up after 72 hours',
      data,
    });
  if (status === 'INACTIVE')
    return finding('certificate.status', arn, 'warn', 'INACTIVE', {
      hint: 'request a new certificate if it is needed',
      data,
    });
  return finding(
    'certificate.status',
    arn,
    'fail',
    `${status}${detail.FailureReason ? ` (${detail.FailureReason})` : ''}`,
    {
      hint:
        status === 'FAILED' && detail.FailureReason === 'CAA_ERROR'
          ? 'allow amazon.com in the CAA records, then request a new certificate'
          : 'request a new certificate and move its users to it',
      data: { ...data, failureReason: detail.FailureReason },
    },
  );
}
