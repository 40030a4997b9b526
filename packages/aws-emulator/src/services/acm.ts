/**
 * ACM (awsJson1_1, `CertificateManager.<Op>`): certificates validated by DNS through the emulator's
 * Route 53, written from the ACM API reference and docs/AWS-FACTS.md#acm-and-route-53.
 *
 * Behaviours: DomainName <= 64 octets; domain names per certificate limited by
 * `behaviour.acmDomainNameQuota` (default 10, ACM's default quota) -> LimitExceededException;
 * IdempotencyToken `^\w{1,32}$`, the same token within one hour returns the same certificate;
 * requestable KeyAlgorithm RSA_2048 | EC_prime256v1 | EC_secp384r1, answered hyphenated (`RSA-2048`)
 * by DescribeCertificate and ListCertificates as real ACM does; no ResourceRecord for
 * `behaviour.acmRecordDelaySeconds` after the request; a wildcard and its apex share one CNAME, the
 * same for every certificate of that name; FQDNs with a trailing dot; PENDING_VALIDATION -> ISSUED
 * when every CNAME exists with the exact value in a public Route 53 zone for
 * `behaviour.acmValidationSeconds`; VALIDATION_TIMED_OUT after 72 hours; FAILED/CAA_ERROR when the
 * closest CAA record set does not allow Amazon; ListCertificates returns RSA_1024 and RSA_2048 only
 * unless `Includes.keyTypes`; rate quotas ListCertificates 1/s, DescribeCertificate 10/s,
 * RequestCertificate 5/s (switch off with `behaviour.acmRateQuotas: false`).
 * Lifetime 198 days (`behaviour.acmLifetimeDays`); managed renewal in place (same ARN) from 45 days
 * before expiry (`behaviour.acmRenewalWindowDays`) for a DNS-validated certificate in use whose CNAMEs
 * are in place and whose CAA allows Amazon; renewal PENDING_VALIDATION without the CNAMEs, FAILED
 * (CAA_ERROR) when CAA forbids Amazon, none when not in use; EXPIRED after NotAfter.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../framework/clock.js';
import { AwsError, validationError } from '../framework/errors.js';
import { paginate } from '../framework/pagination.js';
import type { RandomSource } from '../framework/random.js';
import { defineService, type ServiceRequest } from '../framework/service.js';
import type { Behaviour } from '../types.js';
import { publicRecord, type Route53State, reachableZones } from './route53.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/**
 * Lifetime of a public certificate issued or renewed since 2026-02-18: 198 days (AWS announcement
 * "ACM updates on certificate validity", 2026-02-18, for CA/Browser Forum ballot SC-081v3; before it
 * 395 days). Override with `behaviour.acmLifetimeDays`.
 */
const LIFETIME_DAYS = 198;
/**
 * ACM starts managed renewal this many days before expiry for 198-day certificates: 45 days, as
 * reported from the 2026-02-18 announcement (joestechblog.info and nottinfra.co.uk, February 2026;
 * sjramblings.io of 2026-02-20 says 60: see docs/AWS-FACTS.md#acm-198-day-certificates-and-the-renewal-window). Override with
 * `behaviour.acmRenewalWindowDays`.
 */
const RENEWAL_WINDOW_DAYS = 45;
const KEY_ALGORITHMS = [
  'RSA_1024',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'EC_prime256v1',
  'EC_secp384r1',
  'EC_secp521r1',
];
const REQUESTABLE = ['RSA_2048', 'EC_prime256v1', 'EC_secp384r1'];
const STATUSES = [
  'PENDING_VALIDATION',
  'ISSUED',
  'INACTIVE',
  'EXPIRED',
  'VALIDATION_TIMED_OUT',
  'REVOKED',
  'FAILED',
];
const DOMAIN_RE = /^(\*\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])$/;
const ARN_RE = /^arn:[\w+=/,.@-]+:acm:[\w+=/,.@-]*:\d{12}:certificate\/[\w+=/,.@-]+$/;
/** CA domains a CAA record must name for ACM to issue (docs/AWS-FACTS.md#acm-caa). */
const AMAZON_CAS = ['amazon.com', 'amazontrust.com', 'awstrust.com', 'amazonaws.com'];

/** One certificate. */
export interface StoredCertificate {
  arn: string;
  region: string;
  domainName: string;
  /** Every name, DomainName first. */
  names: string[];
  keyAlgorithm: string;
  /** Stored status; PENDING_VALIDATION moves on when read. */
  status: string;
  type: 'AMAZON_ISSUED' | 'IMPORTED' | 'PRIVATE';
  validationMethod: 'DNS' | 'EMAIL';
  createdAt: number;
  issuedAt: number | undefined;
  notBefore: number | undefined;
  notAfter: number | undefined;
  failureReason: string | undefined;
  transparency: 'ENABLED' | 'DISABLED';
  tags: Array<{ Key: string; Value?: string }>;
  inUseBy: string[];
  /** Seeded renewal status (overrides the computed one). */
  renewalStatus: string | undefined;
  renewalStatusReason: string | undefined;
  /** When the emulator's managed renewal last renewed it in place. */
  renewedAt?: number | undefined;
  /** The seed set renewalStatus: the emulator does not renew it (the seed says what happened). */
  renewalSeeded?: boolean;
}

/** ACM's state (all regions; each certificate knows its region). */
export interface AcmState {
  certificates: Map<string, StoredCertificate>;
  /** `${region}/${token}` -> certificate ARN and time of the request. */
  tokens: Map<string, { arn: string; at: number }>;
  accountId: string;
  clock: Clock;
  random: RandomSource;
  behaviour: Behaviour;
}

function seconds(behaviour: Behaviour, key: string, fallback: number): number {
  const v = Number(behaviour[key]);
  return Number.isFinite(v) && v >= 0 ? v : fallback;
}

/** The base name a validation record is made for: a wildcard and its apex share one. */
function baseName(name: string): string {
  return name.toLowerCase().replace(/^\*\./, '').replace(/\.$/, '');
}

/**
 * The validation CNAME of a name: deterministic per account and name (ACM reuses the same record for
 * every certificate of that name; a wildcard and its apex share it). Trailing dots as ACM writes them.
 * @example validationCname('123456789012', '*.foo.example.com') // { Name: '_<32 hex>.foo.example.com.', Type: 'CNAME', Value: '_<32 hex>.<10 chars>.acm-validations.aws.' }
 */
export function validationCname(
  accountId: string,
  name: string,
): { Name: string; Type: 'CNAME'; Value: string } {
  const base = baseName(name);
  const h = (s: string): string => createHash('sha256').update(s).digest('hex');
  const label = h(`name/${accountId}/${base}`).slice(0, 32);
  const value = h(`value/${accountId}/${base}`);
  return {
    Name: `_${label}.${base}.`,
    Type: 'CNAME',
    Value: `_${value.slice(0, 32)}.${value.slice(32, 42)}.acm-validations.aws.`,
  };
}

function sameDnsValue(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\.$/, '') === b.toLowerCase().replace(/\.$/, '');
}

/** The CAA values governing a name: the closest name (itself, then parents) with CAA records in public Route 53. */
function caaFor(route53: Route53State | undefined, name: string): string[] | undefined {
  if (!route53) return undefined;
  const labels = baseName(name).split('.');
  for (let i = 0; i < labels.length; i++) {
    const found = publicRecord(route53, labels.slice(i).join('.'), 'CAA');
    if (found) return found.values;
  }
  return undefined;
}

function caaAllows(values: string[], wildcard: boolean): boolean {
  const parsed = values
    .map((v) => /^\s*\d+\s+(\S+)\s+"?([^"]*)"?\s*$/.exec(v))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      tag: (m[1] ?? '').toLowerCase(),
      ca: (m[2] ?? '').split(';')[0]?.trim().toLowerCase() ?? '',
    }));
  const wild = parsed.filter((p) => p.tag === 'issuewild');
  const relevant = wildcard && wild.length > 0 ? wild : parsed.filter((p) => p.tag === 'issue');
  return relevant.length === 0 || relevant.some((p) => AMAZON_CAS.includes(p.ca));
}

/**
 * Moves a PENDING_VALIDATION certificate on: ISSUED once every validation CNAME has been in a public
 * zone with the exact value for `acmValidationSeconds` (counted from when it appeared, and no sooner
 * than the records exist), FAILED/CAA_ERROR when CAA forbids Amazon, VALIDATION_TIMED_OUT after 72 h.
 * @example refresh(state, cert, route53State)
 */
export function refresh(state: AcmState, cert: StoredCertificate, route53: Route53State | undefined): void {
  if (cert.status !== 'PENDING_VALIDATION' || cert.validationMethod !== 'DNS') {
    if (cert.status === 'PENDING_VALIDATION' && state.clock.now() - cert.createdAt >= 72 * HOUR_MS) {
      cert.status = 'VALIDATION_TIMED_OUT';
    }
    renew(state, cert, route53);
    return;
  }
  const now = state.clock.now();
  const recordsAt = cert.createdAt + seconds(state.behaviour, 'acmRecordDelaySeconds', 5) * 1000;
  const validationMs = seconds(state.behaviour, 'acmValidationSeconds', 20) * 1000;
  let validAt = recordsAt;
  let complete = route53 !== undefined;
  for (const name of cert.names) {
    const wanted = validationCname(state.accountId, name);
    const found = route53 ? publicRecord(route53, wanted.Name, 'CNAME') : undefined;
    if (found?.values.length !== 1 || !sameDnsValue(found.values[0] ?? '', wanted.Value)) {
      complete = false;
      break;
    }
    validAt = Math.max(validAt, found.since);
  }
  const deadline = cert.createdAt + 72 * HOUR_MS;
  if (complete && validAt + validationMs <= now && validAt + validationMs <= deadline) {
    const at = validAt + validationMs;
    const refused = cert.names.find((name) => {
      const caa = caaFor(route53, name);
      return caa !== undefined && !caaAllows(caa, name.startsWith('*.'));
    });
    if (refused) {
      cert.status = 'FAILED';
      cert.failureReason = 'CAA_ERROR';
      return;
    }
    cert.status = 'ISSUED';
    cert.issuedAt = at;
    cert.notBefore = at;
    cert.notAfter = at + lifetimeMs(state);
    return;
  }
  if (now >= deadline) cert.status = 'VALIDATION_TIMED_OUT';
}

function lifetimeMs(state: AcmState): number {
  return seconds(state.behaviour, 'acmLifetimeDays', LIFETIME_DAYS) * DAY_MS;
}

function renewalWindowMs(state: AcmState): number {
  return seconds(state.behaviour, 'acmRenewalWindowDays', RENEWAL_WINDOW_DAYS) * DAY_MS;
}

function cnamesInPlace(state: AcmState, cert: StoredCertificate, route53: Route53State | undefined): boolean {
  return cert.names.every((name) => {
    const record = validationCname(state.accountId, name);
    const found = route53 ? publicRecord(route53, record.Name, 'CNAME') : undefined;
    return found?.values.length === 1 && sameDnsValue(found.values[0] ?? '', record.Value);
  });
}

/**
 * ACM's managed renewal of an ISSUED, DNS-validated, Amazon-issued certificate: from the renewal window
 * (`acmRenewalWindowDays` before NotAfter), when it is in use, its CNAMEs are in place and CAA allows
 * Amazon, ACM renews it in place (same ARN, new NotBefore/NotAfter, RenewalStatus SUCCESS) after
 * `acmValidationSeconds`; CAA forbidding Amazon makes the renewal FAILED (CAA_ERROR); past NotAfter
 * the certificate is EXPIRED. A seeded renewalStatus freezes renewal (the seed says what happened).
 * @example renew(state, cert, route53State)
 */
export function renew(state: AcmState, cert: StoredCertificate, route53: Route53State | undefined): void {
  if (cert.status !== 'ISSUED' || cert.type !== 'AMAZON_ISSUED' || cert.notAfter === undefined) return;
  const now = state.clock.now();
  const validationMs = seconds(state.behaviour, 'acmValidationSeconds', 20) * 1000;
  // Loop: a clock moved far ahead may cross several renewals.
  for (let i = 0; i < 100; i++) {
    const notAfter: number = cert.notAfter ?? now;
    const renewAt = notAfter - renewalWindowMs(state) + validationMs;
    const renewable =
      cert.renewalSeeded !== true &&
      cert.validationMethod === 'DNS' &&
      cert.inUseBy.length > 0 &&
      renewAt < notAfter &&
      now >= renewAt &&
      cnamesInPlace(state, cert, route53);
    if (!renewable) break;
    const refused = cert.names.find((name) => {
      const caa = caaFor(route53, name);
      return caa !== undefined && !caaAllows(caa, name.startsWith('*.'));
    });
    if (refused) {
      cert.renewalStatus = 'FAILED';
      cert.renewalStatusReason = 'CAA_ERROR';
      break;
    }
    cert.issuedAt = renewAt;
    cert.notBefore = renewAt;
    cert.notAfter = renewAt + lifetimeMs(state);
    cert.renewalStatus = 'SUCCESS';
    cert.renewalStatusReason = undefined;
    cert.renewedAt = renewAt;
  }
  if (cert.notAfter !== undefined && now >= cert.notAfter) cert.status = 'EXPIRED';
}

function renewalEligibility(cert: StoredCertificate): string {
  return cert.type === 'AMAZON_ISSUED' && cert.status === 'ISSUED' && cert.inUseBy.length > 0
    ? 'ELIGIBLE'
    : 'INELIGIBLE';
}

function domainValidationOptions(state: AcmState, cert: StoredCertificate): unknown[] {
  const recordsReady =
    state.clock.now() - cert.createdAt >= seconds(state.behaviour, 'acmRecordDelaySeconds', 5) * 1000 ||
    cert.status !== 'PENDING_VALIDATION';
  return cert.names.map((name) => {
    const record = validationCname(state.accountId, name);
    const validationStatus =
      cert.status === 'ISSUED' || cert.status === 'EXPIRED' || cert.status === 'INACTIVE'
        ? 'SUCCESS'
        : cert.status === 'PENDING_VALIDATION'
          ? 'PENDING_VALIDATION'
          : 'FAILED';
    return {
      DomainName: name,
      ValidationDomain: name,
      ValidationStatus: validationStatus,
      ValidationMethod: cert.validationMethod,
      ...(cert.validationMethod === 'DNS' && recordsReady ? { ResourceRecord: record } : {}),
      ...(cert.validationMethod === 'EMAIL'
        ? {
            ValidationEmails: ['admin', 'administrator', 'hostmaster', 'postmaster', 'webmaster'].map(
              (u) => `${u}@${baseName(name)}`,
            ),
          }
        : {}),
    };
  });
}

function renewalSummary(
  state: AcmState,
  cert: StoredCertificate,
  route53: Route53State | undefined,
): unknown {
  if (cert.status !== 'ISSUED' || cert.type !== 'AMAZON_ISSUED' || cert.notAfter === undefined)
    return undefined;
  const now = state.clock.now();
  const inWindow = cert.notAfter - now <= renewalWindowMs(state);
  let status: string | undefined;
  let reason: string | undefined;
  if (cert.renewalSeeded) {
    status = cert.renewalStatus;
    reason = cert.renewalStatusReason;
  } else if (inWindow && cert.inUseBy.length > 0) {
    if (cert.renewalStatus === 'FAILED') {
      status = 'FAILED';
      reason = cert.renewalStatusReason;
    } else status = cnamesInPlace(state, cert, route53) ? 'PENDING_AUTO_RENEWAL' : 'PENDING_VALIDATION';
  } else if (cert.renewedAt !== undefined) status = 'SUCCESS';
  if (!status) return undefined;
  return {
    RenewalStatus: status,
    DomainValidationOptions: domainValidationOptions(state, cert),
    ...(reason ? { RenewalStatusReason: reason } : {}),
    UpdatedAt: new Date(now),
  };
}

function detail(
  state: AcmState,
  cert: StoredCertificate,
  route53: Route53State | undefined,
): Record<string, unknown> {
  const rsa = cert.keyAlgorithm.startsWith('RSA');
  return {
    CertificateArn: cert.arn,
    DomainName: cert.domainName,
    SubjectAlternativeNames: cert.names,
    DomainValidationOptions: domainValidationOptions(state, cert),
    ...(cert.status === 'ISSUED' || cert.notAfter !== undefined
      ? {
          Serial: createHash('md5')
            .update(cert.arn)
            .digest('hex')
            .replace(/(..)(?!$)/g, '$1:'),
        }
      : {}),
    Subject: `CN=${cert.domainName}`,
    Issuer: 'Amazon',
    CreatedAt: new Date(cert.createdAt),
    ...(cert.issuedAt !== undefined ? { IssuedAt: new Date(cert.issuedAt) } : {}),
    Status: cert.status,
    ...(cert.notBefore !== undefined ? { NotBefore: new Date(cert.notBefore) } : {}),
    ...(cert.notAfter !== undefined ? { NotAfter: new Date(cert.notAfter) } : {}),
    KeyAlgorithm: answeredKeyAlgorithm(cert.keyAlgorithm),
    SignatureAlgorithm: rsa ? 'SHA256WITHRSA' : 'SHA256WITHECDSA',
    InUseBy: cert.inUseBy,
    ...(cert.failureReason ? { FailureReason: cert.failureReason } : {}),
    Type: cert.type,
    RenewalSummary: renewalSummary(state, cert, route53),
    KeyUsages: [{ Name: 'DIGITAL_SIGNATURE' }, { Name: 'KEY_ENCIPHERMENT' }],
    ExtendedKeyUsages: [
      { Name: 'TLS_WEB_SERVER_AUTHENTICATION', OID: '1.3.6.1.5.5.7.3.1' },
      { Name: 'TLS_WEB_CLIENT_AUTHENTICATION', OID: '1.3.6.1.5.5.7.3.2' },
    ],
    RenewalEligibility: renewalEligibility(cert),
    Options: { CertificateTransparencyLoggingPreference: cert.transparency },
  };
}

/**
 * ACM takes key algorithms as `RSA_2048` / `EC_prime256v1` (RequestCertificate, `Includes.keyTypes`)
 * but answers them hyphenated, `RSA-2048` / `EC-prime256v1`, in DescribeCertificate and
 * ListCertificates (ACM User Guide, "list-certificates" example; AWS CLI describe-certificate
 * example output), although the API reference's enum lists the underscore form.
 * @example answeredKeyAlgorithm('EC_prime256v1') // 'EC-prime256v1'
 */
function answeredKeyAlgorithm(keyAlgorithm: string): string {
  return keyAlgorithm.replace('_', '-');
}

function summary(cert: StoredCertificate): Record<string, unknown> {
  return {
    CertificateArn: cert.arn,
    DomainName: cert.domainName,
    SubjectAlternativeNameSummaries: cert.names.slice(0, 100),
    HasAdditionalSubjectAlternativeNames: cert.names.length > 100,
    Status: cert.status,
    Type: cert.type,
    KeyAlgorithm: answeredKeyAlgorithm(cert.keyAlgorithm),
    KeyUsages: ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'],
    ExtendedKeyUsages: ['TLS_WEB_SERVER_AUTHENTICATION', 'TLS_WEB_CLIENT_AUTHENTICATION'],
    InUse: cert.inUseBy.length > 0,
    Exported: false,
    RenewalEligibility: renewalEligibility(cert),
    ...(cert.notBefore !== undefined ? { NotBefore: new Date(cert.notBefore) } : {}),
    ...(cert.notAfter !== undefined ? { NotAfter: new Date(cert.notAfter) } : {}),
    CreatedAt: new Date(cert.createdAt),
    ...(cert.issuedAt !== undefined ? { IssuedAt: new Date(cert.issuedAt) } : {}),
  };
}

function validateTags(tags: unknown, field: string): Array<{ Key: string; Value?: string }> {
  if (tags === undefined) return [];
  if (!Array.isArray(tags) || tags.length < 1 || tags.length > 50) {
    throw validationError(
      field,
      Array.isArray(tags) ? tags.length : tags,
      'Member must have length between 1 and 50',
    );
  }
  return tags.map((tag: { Key?: unknown; Value?: unknown }) => {
    const key = tag?.Key;
    if (typeof key !== 'string' || key.length < 1 || key.length > 128) {
      throw validationError(
        `${field}.member.key`,
        key,
        'Member must have length between 1 and 128',
        'ValidationException',
      );
    }
    if (key.toLowerCase().startsWith('aws:'))
      throw new AwsError('InvalidTagException', `Tag key ${key} uses the reserved prefix aws:.`);
    const value = tag.Value;
    if (value !== undefined && (typeof value !== 'string' || value.length > 256)) {
      throw validationError(
        `${field}.member.value`,
        value,
        'Member must have length less than or equal to 256',
        'ValidationException',
      );
    }
    return value === undefined ? { Key: key } : { Key: key, Value: value };
  });
}

function certificateOrThrow(request: ServiceRequest<AcmState>): StoredCertificate {
  const arn = request.input.CertificateArn;
  if (typeof arn !== 'string' || arn === '') {
    throw validationError('certificateArn', arn, 'Member must not be null', 'ValidationException');
  }
  if (!ARN_RE.test(arn)) throw new AwsError('InvalidArnException', `String '${arn}' is not a valid ARN`);
  const cert = request.state.certificates.get(arn);
  if (!cert || cert.region !== request.region) {
    throw new AwsError('ResourceNotFoundException', `Could not find certificate ${arn}.`);
  }
  refresh(request.state, cert, route53Of(request));
  return cert;
}

function route53Of(request: ServiceRequest<AcmState>): Route53State | undefined {
  try {
    const own = request.stateOf<Route53State>('route53');
    if (!request.multiAccount || !own) return own;
    // Several accounts: ACM validates through public DNS, which sees every account's public zones
    // but reaches a sub-zone only through a matching delegation at its parent.
    const states = request
      .accounts()
      .map((id) => request.stateOfAccount<Route53State>('route53', id))
      .filter((st): st is Route53State => st !== undefined);
    return { ...own, zones: new Map(reachableZones(states).map((z) => [z.id, z])) };
  } catch {
    return undefined;
  }
}

function quota(request: ServiceRequest<AcmState>, operation: string, perSecond: number): void {
  if (request.behaviour.acmRateQuotas === false) return;
  request.enforceRate(`acm:${request.region}:${operation}`, perSecond);
}

function seedCertificate(
  state: AcmState,
  seed: Record<string, unknown>,
  defaultRegion: string,
): StoredCertificate {
  const now = state.clock.now();
  const arnRegion = typeof seed.arn === 'string' ? seed.arn.split(':')[3] : undefined;
  const region = typeof seed.region === 'string' ? seed.region : arnRegion || defaultRegion;
  const arn =
    typeof seed.arn === 'string'
      ? seed.arn
      : `arn:aws:acm:${region}:${state.accountId}:certificate/${state.random.uuid()}`;
  const domainName = String(seed.domainName).toLowerCase();
  const sans = Array.isArray(seed.subjectAlternativeNames)
    ? seed.subjectAlternativeNames.map((n) => String(n).toLowerCase())
    : [];
  const status = typeof seed.status === 'string' ? seed.status : 'ISSUED';
  const issued = status !== 'PENDING_VALIDATION' && status !== 'FAILED' && status !== 'VALIDATION_TIMED_OUT';
  const notAfter =
    typeof seed.notAfter === 'string' || typeof seed.notAfter === 'number'
      ? new Date(seed.notAfter).getTime()
      : typeof seed.expiresInDays === 'number'
        ? now + seed.expiresInDays * DAY_MS
        : issued
          ? now + 150 * DAY_MS
          : undefined;
  const lifetime =
    (typeof seed.lifetimeDays === 'number' && seed.lifetimeDays > 0 ? seed.lifetimeDays : LIFETIME_DAYS) *
    DAY_MS;
  const tags =
    seed.tags && typeof seed.tags === 'object'
      ? Object.entries(seed.tags as Record<string, string>).map(([Key, Value]) => ({ Key, Value }))
      : [];
  return {
    arn,
    region,
    domainName,
    names: [...new Set([domainName, ...sans])],
    keyAlgorithm: typeof seed.keyAlgorithm === 'string' ? seed.keyAlgorithm : 'RSA_2048',
    status,
    type: seed.type === 'IMPORTED' || seed.type === 'PRIVATE' ? seed.type : 'AMAZON_ISSUED',
    validationMethod: seed.validationMethod === 'EMAIL' ? 'EMAIL' : 'DNS',
    createdAt: notAfter !== undefined ? notAfter - lifetime : now,
    issuedAt: issued && notAfter !== undefined ? notAfter - lifetime : undefined,
    notBefore: issued && notAfter !== undefined ? notAfter - lifetime : undefined,
    notAfter: issued ? notAfter : undefined,
    failureReason: typeof seed.failureReason === 'string' ? seed.failureReason : undefined,
    transparency: seed.transparencyLogging === false ? 'DISABLED' : 'ENABLED',
    tags,
    inUseBy: Array.isArray(seed.inUseBy) ? seed.inUseBy.map(String) : [],
    renewalStatus: typeof seed.renewalStatus === 'string' ? seed.renewalStatus : undefined,
    renewalSeeded: typeof seed.renewalStatus === 'string',
    renewalStatusReason: typeof seed.renewalStatusReason === 'string' ? seed.renewalStatusReason : undefined,
  };
}

type R = ServiceRequest<AcmState>;

export const acm = defineService<AcmState>({
  signingName: 'acm',
  protocol: { kind: 'json', targetPrefix: 'CertificateManager', jsonVersion: '1.1' },
  behaviourDefaults: {
    acmRecordDelaySeconds: 5,
    acmValidationSeconds: 20,
    acmRateQuotas: true,
    acmDomainNameQuota: 10,
  },
  createState(world, context) {
    const state: AcmState = {
      certificates: new Map(),
      tokens: new Map(),
      accountId: context.accountId,
      clock: context.clock,
      random: context.random,
      behaviour: context.behaviour,
    };
    for (const seed of world.acm?.certificates ?? []) {
      const cert = seedCertificate(state, seed, context.region);
      state.certificates.set(cert.arn, cert);
    }
    return state;
  },
  operations: {
    RequestCertificate: {
      mutating: true,
      logInput: ['DomainName', 'IdempotencyToken', 'KeyAlgorithm', 'ValidationMethod'],
      handler(request: R) {
        quota(request, 'RequestCertificate', 5);
        const input = request.input;
        const domain = input.DomainName;
        if (typeof domain !== 'string' || domain === '')
          throw validationError('domainName', domain, 'Member must not be null', 'ValidationException');
        if (domain.length > 253 || !DOMAIN_RE.test(domain)) {
          throw validationError(
            'domainName',
            domain,
            `Member must satisfy regular expression pattern: ${DOMAIN_RE.source}`,
            'ValidationException',
          );
        }
        if (Buffer.byteLength(domain, 'utf8') > 64) {
          throw new AwsError(
            'ValidationException',
            `The first domain name can't exceed 64 octets. Domain name: ${domain}`,
          );
        }
        const sansIn = input.SubjectAlternativeNames;
        if (sansIn !== undefined && (!Array.isArray(sansIn) || sansIn.length < 1 || sansIn.length > 100)) {
          throw validationError(
            'subjectAlternativeNames',
            Array.isArray(sansIn) ? sansIn.length : sansIn,
            'Member must have length between 1 and 100',
            'ValidationException',
          );
        }
        for (const san of (sansIn as unknown[] | undefined) ?? []) {
          if (typeof san !== 'string' || san.length > 253 || !DOMAIN_RE.test(san)) {
            throw validationError(
              'subjectAlternativeNames.member',
              san,
              `Member must satisfy regular expression pattern: ${DOMAIN_RE.source}`,
              'ValidationException',
            );
          }
        }
        const names = [
          ...new Set([domain, ...((sansIn as string[] | undefined) ?? [])].map((n) => n.toLowerCase())),
        ];
        const quotaNames = Number(request.behaviour.acmDomainNameQuota ?? 10);
        if (names.length > quotaNames) {
          throw new AwsError(
            'LimitExceededException',
            `Cannot request a certificate for more than ${quotaNames} domain names.`,
          );
        }
        const token = input.IdempotencyToken;
        if (token !== undefined && (typeof token !== 'string' || !/^\w{1,32}$/.test(token))) {
          throw validationError(
            'idempotencyToken',
            token,
            'Member must satisfy regular expression pattern: \\w+ and have length between 1 and 32',
            'ValidationException',
          );
        }
        const keyAlgorithm = input.KeyAlgorithm ?? 'RSA_2048';
        if (typeof keyAlgorithm !== 'string' || !KEY_ALGORITHMS.includes(keyAlgorithm)) {
          throw validationError(
            'keyAlgorithm',
            keyAlgorithm,
            `Member must satisfy enum value set: [${KEY_ALGORITHMS.join(', ')}]`,
            'ValidationException',
          );
        }
        if (!REQUESTABLE.includes(keyAlgorithm)) {
          throw new AwsError(
            'InvalidParameterException',
            `Key algorithm ${keyAlgorithm} is not supported for certificate requests. Use one of ${REQUESTABLE.join(', ')}.`,
          );
        }
        const method = input.ValidationMethod ?? 'EMAIL';
        if (method !== 'DNS' && method !== 'EMAIL') {
          throw validationError(
            'validationMethod',
            method,
            'Member must satisfy enum value set: [EMAIL, DNS, HTTP]',
            'ValidationException',
          );
        }
        const options = input.Options as { CertificateTransparencyLoggingPreference?: unknown } | undefined;
        const transparency = options?.CertificateTransparencyLoggingPreference ?? 'ENABLED';
        if (transparency !== 'ENABLED' && transparency !== 'DISABLED') {
          throw validationError(
            'options.certificateTransparencyLoggingPreference',
            transparency,
            'Member must satisfy enum value set: [ENABLED, DISABLED]',
            'ValidationException',
          );
        }
        const tags = validateTags(input.Tags, 'tags');
        const state = request.state;
        const now = state.clock.now();
        if (typeof token === 'string') {
          // Same token within one hour: the same certificate (docs/AWS-FACTS.md#acm-requestcertificate).
          const previous = state.tokens.get(`${request.region}/${token}`);
          if (previous && now - previous.at < HOUR_MS && state.certificates.has(previous.arn)) {
            return { CertificateArn: previous.arn };
          }
        }
        const arn = `arn:aws:acm:${request.region}:${state.accountId}:certificate/${state.random.uuid()}`;
        state.certificates.set(arn, {
          arn,
          region: request.region,
          domainName: domain.toLowerCase(),
          names,
          keyAlgorithm,
          status: 'PENDING_VALIDATION',
          type: 'AMAZON_ISSUED',
          validationMethod: method,
          createdAt: now,
          issuedAt: undefined,
          notBefore: undefined,
          notAfter: undefined,
          failureReason: undefined,
          transparency,
          tags,
          inUseBy: [],
          renewalStatus: undefined,
          renewalStatusReason: undefined,
        });
        if (typeof token === 'string') state.tokens.set(`${request.region}/${token}`, { arn, at: now });
        return { CertificateArn: arn };
      },
    },
    DescribeCertificate: {
      logInput: ['CertificateArn'],
      handler(request: R) {
        quota(request, 'DescribeCertificate', 10);
        const cert = certificateOrThrow(request);
        return { Certificate: detail(request.state, cert, route53Of(request)) };
      },
    },
    ListCertificates: {
      handler(request: R) {
        quota(request, 'ListCertificates', 1);
        const input = request.input;
        const statuses = input.CertificateStatuses as unknown[] | undefined;
        for (const s of statuses ?? []) {
          if (typeof s !== 'string' || !STATUSES.includes(s)) {
            throw validationError(
              'certificateStatuses.member',
              s,
              `Member must satisfy enum value set: [${STATUSES.join(', ')}]`,
              'ValidationException',
            );
          }
        }
        const includes = input.Includes as { keyTypes?: unknown[] } | undefined;
        // Without Includes.keyTypes only RSA_1024 and RSA_2048 certificates are listed (ACM API
        // reference, Filters.keyTypes; docs/AWS-FACTS.md#acm-listing-and-key-types; the older notes said RSA_2048 only).
        const keyTypes =
          includes?.keyTypes && includes.keyTypes.length > 0
            ? includes.keyTypes.map(String)
            : ['RSA_1024', 'RSA_2048'];
        const maxItems = input.MaxItems === undefined ? 1000 : Number(input.MaxItems);
        if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 1000) {
          throw validationError(
            'maxItems',
            input.MaxItems,
            'Member must have value between 1 and 1000',
            'ValidationException',
          );
        }
        const route53 = route53Of(request);
        const all = [...request.state.certificates.values()]
          .filter((c) => c.region === request.region)
          .sort((a, b) => a.createdAt - b.createdAt || a.arn.localeCompare(b.arn));
        for (const c of all) refresh(request.state, c, route53);
        const selected = all.filter(
          (c) =>
            keyTypes.includes(c.keyAlgorithm) &&
            (!statuses || statuses.length === 0 || statuses.includes(c.status)),
        );
        const page = paginate(
          selected,
          input.NextToken as string | undefined,
          maxItems,
          'InvalidArgsException',
        );
        return {
          CertificateSummaryList: page.items.map(summary),
          ...(page.nextToken ? { NextToken: page.nextToken } : {}),
        };
      },
    },
    AddTagsToCertificate: {
      mutating: true,
      logInput: ['CertificateArn'],
      handler(request: R) {
        const cert = certificateOrThrow(request);
        const tags = validateTags(request.input.Tags, 'tags');
        const merged = new Map(cert.tags.map((t) => [t.Key, t]));
        for (const tag of tags) merged.set(tag.Key, tag);
        if (merged.size > 50)
          throw new AwsError(
            'TooManyTagsException',
            'the request contains too many tags; a certificate has at most 50.',
          );
        cert.tags = [...merged.values()];
        return {};
      },
    },
    RemoveTagsFromCertificate: {
      mutating: true,
      logInput: ['CertificateArn'],
      handler(request: R) {
        const cert = certificateOrThrow(request);
        const tags = validateTags(request.input.Tags, 'tags');
        cert.tags = cert.tags.filter(
          (t) => !tags.some((r) => r.Key === t.Key && (r.Value === undefined || r.Value === (t.Value ?? ''))),
        );
        return {};
      },
    },
    ListTagsForCertificate: {
      logInput: ['CertificateArn'],
      handler(request: R) {
        const cert = certificateOrThrow(request);
        return { Tags: cert.tags };
      },
    },
    DeleteCertificate: {
      mutating: true,
      logInput: ['CertificateArn'],
      handler(request: R) {
        const cert = certificateOrThrow(request);
        if (cert.inUseBy.length > 0) {
          throw new AwsError(
            'ResourceInUseException',
            `Certificate ${cert.arn} in account ${request.state.accountId} is in use.`,
          );
        }
        request.state.certificates.delete(cert.arn);
        return {};
      },
    },
  },
});
