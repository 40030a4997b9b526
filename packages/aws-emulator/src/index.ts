/**
 * @eks-kit/aws-emulator: a local AWS speaking the real wire protocols, for tests and the demo.
 */
export { type Emulator, startEmulator } from './emulator.js';
export type { Clock } from './framework/clock.js';
export { AwsError, type AwsErrorOptions, validationError } from './framework/errors.js';
export { accessDeniedMessage, isActionDenied } from './framework/identities.js';
export { type Page, paginate } from './framework/pagination.js';
export {
  asList,
  checkName,
  optionalBool,
  optionalInt,
  optionalString,
  requireString,
  validateName,
} from './framework/params.js';
export type { RandomSource } from './framework/random.js';
export {
  type AnyServiceModule,
  type CallerIdentity,
  defineService,
  type ErrorShape,
  type HttpRequest,
  HttpResult,
  type OperationSpec,
  type ProtocolSpec,
  type RestRoute,
  type SeedContext,
  type ServiceModule,
  type ServiceRequest,
  withHttp,
} from './framework/service.js';
export {
  child,
  children,
  childText,
  escapeXml,
  parseXml,
  toXml,
  type XmlElement,
  XmlList,
  XmlMap,
  xmlList,
  xmlMap,
} from './framework/xml.js';
export type {
  AccountWorld,
  Behaviour,
  CallFilter,
  CallRecord,
  EmulatorOptions,
  FaultRule,
  IamRoleSeed,
  IdentitySeed,
  World,
} from './types.js';
