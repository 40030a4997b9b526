/**
 * @eks-kit/acm-dns-validation: ACM certificates validated through Route 53, idempotent requests,
 * fast waits and renewal health checks.
 *
 * @packageDocumentation
 */
export { AMAZON_CAA_DOMAINS, caaAllowsAmazon, caaLookupNames } from './builders/caa.js';
export {
  type ChangeBatchPlan,
  planChangeBatches,
  type RecordUpsert,
  ROUTE53_BATCH_LIMITS,
} from './builders/change-batches.js';
export {
  DNS_ROLE_ACTIONS,
  dnsRolePolicy,
  dnsRoleTrustPolicy,
  type PolicyDocument,
} from './builders/dns-account-policy.js';
export {
  ALL_KEY_TYPES,
  type CertificateRequestInput,
  DEFAULT_DOMAIN_NAME_QUOTA,
  idempotencyToken,
  keyAlgorithmOf,
  type NormalisedCertificateRequest,
  normaliseCertificateRequest,
  REQUESTABLE_KEY_ALGORITHMS,
  type RequestableKeyAlgorithm,
  STACK_TAG_KEY,
  validateStackName,
} from './builders/request.js';
export {
  type DomainValidationLike,
  normaliseFqdn,
  type ValidationRecord,
  validationRecordsOf,
} from './builders/validation-records.js';
export { chooseZone, type HostedZoneRef } from './builders/zones.js';
export {
  ACM_PUBLIC_LIFETIME_DAYS,
  ACM_RENEWAL_GRACE_DAYS,
  ACM_RENEWAL_WINDOW_DAYS,
  type AcmRateLimits,
  type CertificateSelection,
  type CheckCertificatesInput,
  certificateFindings,
  checkCertificates,
  DEFAULT_ACM_RATE_LIMITS,
  DEFAULT_CERT_FAIL_DAYS,
  DEFAULT_CERT_WARN_DAYS,
} from './checks/check-certificates.js';
export { type CheckDelegationInput, checkDelegation, type ZoneSource } from './checks/delegation.js';
export { type CheckPublicResolutionInput, checkPublicResolution } from './checks/public-resolution.js';
export {
  type DeleteCertificateSpec,
  deleteCertificate,
  deleteRecordCommand,
  type KeptValidationRecord,
  type RecordsOfRun,
  type RemoveValidationRecordsResult,
  removeValidationRecords,
} from './procedures/delete-certificate.js';
export {
  type CertificateStatus,
  DEFAULT_POLL_SCHEDULE,
  describeCertificate,
  describeCertificateStatus,
  type PollSchedule,
  RECORDS_SCHEDULE,
  regionOfCertificateArn,
  toCertificateStatus,
  waitForValidationRecords,
  waitUntilValidationRecords,
} from './procedures/describe.js';
export {
  type EnsureCertificateInput,
  type EnsureCertificateResult,
  ensureCertificate,
} from './procedures/ensure-certificate.js';
export {
  type EnsureValidationRecordsResult,
  ensureValidationRecords,
} from './procedures/ensure-validation-records.js';
export {
  certificateTags,
  type FoundCertificate,
  findCertificate,
  listCertificates,
} from './procedures/find-certificate.js';
export {
  findRecordSet,
  getChangeStatus,
  listHostedZones,
  listRecordSets,
  type RecordSetRef,
  upsertValidationRecords,
} from './procedures/route53.js';
export {
  DEFAULT_ISSUED_POLL_SCHEDULE,
  INSYNC_REPORT_AFTER_MS,
  issuedPollDelayMs,
  type WaitForIssuedInput,
  type WaitUntilIssuedInput,
  waitForIssued,
  waitUntilIssued,
} from './procedures/wait-for-issued.js';
