/**
 * The service module interface: what a file under `src/services/` declares, and what its
 * handlers receive.
 */
import type { Behaviour, World } from '../types.js';
import type { Clock } from './clock.js';
import type { RandomSource } from './random.js';

/** A raw HTTP request as the emulator received it. */
export interface HttpRequest {
  method: string;
  /** Decoded path without the query string, e.g. `/2013-04-01/hostedzone/Z1/rrset`. */
  path: string;
  /** Path exactly as sent (percent-encoded). */
  rawPath: string;
  query: URLSearchParams;
  /** Lowercased header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/** An HTTP answer. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** A handler result with its own status, headers, or root element (restXml) / raw body (raw routes). */
export class HttpResult {
  constructor(
    readonly body: unknown,
    readonly status = 200,
    readonly headers: Record<string, string> = {},
    /** restXml: root element name instead of `<Op>Response`. */
    readonly root?: string,
  ) {}
}

/**
 * Wraps a handler result with a status code, headers or a restXml root name.
 * @example return withHttp({ HostedZone: zone }, { status: 201, headers: { Location: url }, root: 'CreateHostedZoneResponse' })
 */
export function withHttp(
  body: unknown,
  options: { status?: number; headers?: Record<string, string>; root?: string } = {},
): HttpResult {
  return new HttpResult(body, options.status ?? 200, options.headers ?? {}, options.root);
}

/** A REST route: method and path pattern (`{Id}` one segment, `{Key+}` the rest) to an operation. */
export interface RestRoute {
  method: string;
  /** e.g. `/2013-04-01/hostedzone/{Id}/rrset` */
  path: string;
  operation: string;
  /** Query parameters that must be present for this route to match (e.g. `['tagging']`). */
  query?: string[];
  /** restXml: the body is data, not XML (S3 PutObject): handlers get the bytes as `input.body`. */
  rawBody?: boolean;
}

/** The wire protocol of a service. */
export type ProtocolSpec =
  /** awsQuery: form body with Action/Version, XML responses (`member` lists). IAM, STS, Auto Scaling. */
  | { kind: 'query'; version: string; xmlns: string }
  /** EC2 query dialect: `Param.N` lists, `<item>` lists, `<Response><Errors>` errors. */
  | { kind: 'ec2'; version: string; xmlns: string }
  /** awsJson1_0 / 1_1: `X-Amz-Target: <targetPrefix>.<Op>`. ACM, ECR. */
  | { kind: 'json'; targetPrefix: string; jsonVersion?: '1.0' | '1.1' }
  /**
   * restXml: routes by method + path, XML bodies. Route 53, S3. A handler's `withHttp(buffer)` is
   * sent as is (S3 GetObject). Errors are `<ErrorResponse><Error>...` (Route 53) or, with
   * `errorEnvelope: 'Error'`, S3's bare `<Error><Code/><Message/><RequestId/></Error>`.
   */
  | { kind: 'restXml'; xmlns: string; routes: RestRoute[]; errorEnvelope?: 'ErrorResponse' | 'Error' }
  /** restJson1: routes by method + path, JSON bodies, `x-amzn-errortype`. EKS. */
  | { kind: 'restJson'; routes: RestRoute[] }
  /**
   * Not AWS: plain HTTP routes without SigV4 (docker registry `/v2/...`). `route` returns the
   * operation name and its path parameters, or undefined when the request is not for this module.
   */
  | {
      kind: 'raw';
      route(request: HttpRequest): { operation: string; params?: Record<string, string> } | undefined;
    };

/** An error code and HTTP status. */
export interface ErrorShape {
  code: string;
  status: number;
}

/** Who made a request. */
export interface CallerIdentity {
  accessKeyId: string;
  arn: string;
  accountId: string;
  /** Actions refused to this caller (globs). */
  deny: string[];
  /** For assumed-role sessions: the role ARN. */
  roleArn?: string;
}

/** What `createState` gets besides the world. */
export interface SeedContext {
  accountId: string;
  /** The world's default region. */
  region: string;
  clock: Clock;
  random: RandomSource;
  behaviour: Behaviour;
}

/** What a handler gets. */
export interface ServiceRequest<S> {
  /** This service's state (created by `createState`, replaced on seed/reset). */
  state: S;
  /** Decoded input (query params nested; JSON body; REST path + query params, and `body` for restXml). */
  input: Record<string, unknown>;
  operation: string;
  /** Signing name of the service. */
  service: string;
  /** Region of the signing scope (the world's region for raw routes). */
  region: string;
  /** The account whose state serves this call: the caller's when it is an extra account, else the default. */
  accountId: string;
  /** Who signed the request (raw routes: the default identity). */
  caller: CallerIdentity;
  clock: Clock;
  random: RandomSource;
  behaviour: Behaviour;
  http: HttpRequest;
  requestId: string;
  /** Another service's state, by signing name (ACM reads Route 53's records). */
  stateOf<T>(service: string): T;
  /** A service's state in another account (`undefined` for an account the world does not hold). */
  stateOfAccount<T>(service: string, accountId: string): T | undefined;
  /** Every account of the world, the default first. */
  accounts(): string[];
  /** True when the world declares extra accounts (`world.accounts`). */
  multiAccount: boolean;
  /** Throws AccessDenied (this protocol's shape) when `who` (default: the caller) is denied `action`. */
  authorize(action: string, resource: string, who?: CallerIdentity): void;
  /** The AccessDenied message AWS writes, for modules that shape the error themselves. */
  accessDeniedMessage(action: string, resource: string, who?: CallerIdentity): string;
  /** True when `who` (default: the caller) is denied `action`. */
  isDenied(action: string, who?: CallerIdentity): boolean;
  /** Identity of an access key (world identities, assumed-role sessions, or the default user). */
  identityOf(accessKeyId: string): CallerIdentity;
  /** Makes an access key act as `arn` (STS AssumeRole); `deny` defaults to that of the ARN's world identity. */
  registerIdentity(accessKeyId: string, arn: string, extra?: { roleArn?: string }): CallerIdentity;
  /** Throws this service's throttling error when `key` exceeds `ratePerSecond` in emulated time, counted per account. */
  enforceRate(key: string, ratePerSecond: number, burst?: number): void;
  /** This service's throttling error (code and status) as an AwsError to throw. */
  throttlingError(message?: string): Error;
}

/** One operation of a service. */
export interface OperationSpec<S> {
  /** True when the operation changes state: recorded in the call log. */
  mutating?: boolean;
  /** Input keys recorded in the call log (default: top-level strings, numbers and booleans up to 256 chars). */
  logInput?: string[];
  /** IAM action checked against the caller's `deny` (default `<signingName>:<Operation>`); false: not checked. */
  action?: string | false;
  /** Resource named in the AccessDenied message (default `*`). */
  resource?: (input: Record<string, unknown>, request: ServiceRequest<S>) => string;
  /** Throttling error for this operation instead of the service's (Route 53 rrset: PriorRequestNotComplete). */
  throttling?: ErrorShape;
  handler(request: ServiceRequest<S>): unknown | Promise<unknown>;
}

/** A service module: one file under `src/services/`, registered in `src/services/index.ts`. */
export interface ServiceModule<S> {
  /** SigV4 signing name (`iam`, `sts`, ...) or `registry` for raw routes. */
  signingName: string;
  protocol: ProtocolSpec;
  /** Builds the state from the world; called on start, seed and reset. */
  createState(world: World, context: SeedContext): S;
  operations: Record<string, OperationSpec<S>>;
  /** Overrides of the protocol's default error codes. */
  errors?: { throttling?: ErrorShape; internal?: ErrorShape; accessDenied?: ErrorShape };
  /** Behaviour keys this module reads, with their defaults. */
  behaviourDefaults?: Behaviour;
}

/** A module with its state type erased, as kept in the registry. */
export type AnyServiceModule = ServiceModule<unknown>;

/**
 * Declares a service module (typed state inside, erased for the registry).
 * @example export const sts = defineService({ signingName: 'sts', protocol: { kind: 'query', version: '2011-06-15', xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/' }, createState: () => ({}), operations: { GetCallerIdentity: { handler: (r) => ({ Arn: r.caller.arn }) } } })
 */
export function defineService<S>(module: ServiceModule<S>): AnyServiceModule {
  return module as unknown as AnyServiceModule;
}
