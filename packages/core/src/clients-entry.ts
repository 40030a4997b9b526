/**
 * `@eks-kit/core/clients`: what a program needs before its first AWS call (the client factory with
 * its quotas and shared connections, eks-kit's errors, the input validators), without the rest of
 * core (converge, ownership, deletion, assume-role, polling helpers). The checks Lambda's handler
 * imports this entry at load time and the rest with its checks, at the first invocation (issue 21).
 * Every name here is exported by `@eks-kit/core` too, as the same object.
 *
 * @packageDocumentation
 */
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
