/**
 * @eks-kit/core: shared plumbing of every eks-kit package.
 *
 * @packageDocumentation
 */
export { type AccountInfo, describeAccount } from './account.js';
export {
  type AssumedRoleUser,
  type AssumeRoleCredentialOptions,
  type AssumeRoleSpec,
  type AssumeRoleStsClient,
  assumeRoleClients,
  assumeRoleCredentials,
  validateAssumeRoleSpec,
  withRoute53From,
} from './assume-role.js';
export {
  type Change,
  type ChangeAction,
  changesToJson,
  countChanges,
  type EnsureOptions,
  type EnsureResult,
  type ProgressEvent,
  renderChanges,
} from './changes.js';
export {
  AWS_SERVICES,
  type AwsClients,
  type CallCount,
  type CallCounter,
  type ClientMiddleware,
  type ClientMiddlewareHandler,
  type ClientOptions,
  type ClientServiceInfo,
  createCallCounter,
  createClients,
  createSharedConnections,
  resolveRegion,
  SERVICE_KEYS,
  type ServiceKey,
  type ServiceSpec,
  type SharedConnections,
  withClientMiddleware,
} from './clients.js';
export { sendRead } from './commands.js';
export {
  applyPlan,
  type ConvergeOptions,
  type ConvergeResult,
  changesApplied,
  checkContinue,
  converge,
  type Deadline,
  deadlineOf,
  type PlannedChange,
  UNCHANGED,
} from './converge.js';
export {
  absentResult,
  type DeleteOptions,
  type DeleteResult,
  keepUnlessOwned,
  refusedResult,
} from './deletion.js';
export { clusterNotFoundError } from './eks-errors.js';
export {
  AwsCallError,
  awsErrorCode,
  deniedAction,
  deniedPrincipal,
  describeValue,
  EksKitError,
  EXIT_CODES,
  formatError,
  InvalidInputError,
  isAccessDeniedError,
  isNotFoundError,
  isThrottlingError,
  THROTTLING_CODES,
  wrapAwsError,
} from './errors.js';
export { type Finding, type FindingStatus, finding, summarizeFindings, worstStatus } from './findings.js';
export { type NearestNameOptions, nearestName } from './nearest-name.js';
export { ownEntries, PROTO_KEY, refuseProtoKey, setOwn } from './own-keys.js';
export {
  ADOPT_PREFIX,
  adoptChange,
  classifyOwnership,
  decideOwnership,
  isOwnershipError,
  NotOwnedError,
  OwnedByAnotherStackError,
  type Ownership,
  type OwnershipDecision,
  type OwnershipKind,
  type OwnershipOptions,
  stackTagOf,
  type TagsLike,
} from './ownership.js';
export { pathProblem } from './path-problems.js';
export {
  backoffDelay,
  createRateLimiter,
  mapConcurrent,
  type PollOptions,
  type PollOutcome,
  poll,
  type RateLimiterClock,
  type RateLimiterOptions,
  sleep,
} from './poll.js';
export {
  API_QUOTAS,
  addQuotaMiddleware,
  type BucketRate,
  createQuotas,
  processQuotas,
  type QuotaOptions,
  type Quotas,
  quotaMiddleware,
  type ServiceQuota,
} from './quotas.js';
export { compareCodeUnits, sortedJson, sortKeysDeep } from './sorted-json.js';
export { MANAGED_BY_TAG_KEY, STACK_TAG_KEY } from './stack-tag.js';
export {
  findTaggedResources,
  PER_RESOURCE_TAG_READS_AT_MOST,
  type TaggedResourceQuery,
  type TaggedResourcesAnswer,
} from './tagged-resources.js';
export {
  type ConnectionFailure,
  connectionFailure,
  createEndpointBreaker,
  type EndpointBreaker,
  UnreachableEndpointError,
  unreachableMiddleware,
} from './unreachable.js';
export {
  type Arn,
  dnsSuffixOfPartition,
  formatArn,
  isPartition,
  KNOWN_REGIONS,
  PARTITIONS,
  type Partition,
  parseArn,
  partitionOfRegion,
  validateAccountId,
  validateClusterName,
  validateDnsName,
  validateRegion,
  validateTagKey,
  validateTags,
  validateTagValue,
} from './validators.js';
export { VERSION } from './version.js';
