import type { AnyServiceModule } from './framework/service.js';

/**
 * Public types of the emulator: the world (seed), faults, the call log and options.
 */

/** A caller known by its access key; `deny` lists IAM actions refused to it with AccessDenied. */
export interface IdentitySeed {
  /** Principal ARN, e.g. `arn:aws:iam::123456789012:user/ci` or an assumed-role ARN. */
  arn: string;
  /** IAM actions (globs allowed: `iam:*`, `ecr:Put*`) refused to this caller. */
  deny?: string[];
}

/** A role in the seed world. */
export interface IamRoleSeed {
  name: string;
  path?: string;
  /** Trust policy as an object or a JSON string. */
  assumeRolePolicyDocument?: unknown;
  description?: string;
  tags?: Record<string, string>;
  /** Inline policies by name (object or JSON string). */
  inlinePolicies?: Record<string, unknown>;
  /** Managed policy ARNs attached to the role. */
  attachedPolicyArns?: string[];
  /** Emulated seconds since creation (default: older than any propagation window). */
  ageSeconds?: number;
}

/** The seed world: what exists before the first request. Each service reads its own key. */
export interface World {
  /** 12-digit account id (default `123456789012`). */
  accountId?: string;
  /** Default region for seeded resources (default `us-east-1`). */
  region?: string;
  /** Callers by access key id. Unknown keys act as `arn:aws:iam::<account>:user/emulator`. */
  identities?: Record<string, IdentitySeed>;
  iam?: {
    roles?: IamRoleSeed[];
    /** OIDC provider issuer URLs (`https://oidc.eks.<region>.amazonaws.com/id/<ID>`). */
    oidcProviders?: string[];
    [key: string]: unknown;
  };
  eks?: {
    clusters?: Array<{ name: string; version?: string; oidcIssuer?: string; [key: string]: unknown }>;
    [key: string]: unknown;
  };
  ec2?: {
    launchTemplates?: Array<{ name: string; instanceType: string; [key: string]: unknown }>;
    [key: string]: unknown;
  };
  autoscaling?: { groups?: Array<Record<string, unknown>>; [key: string]: unknown };
  route53?: {
    hostedZones?: Array<{
      name: string;
      private?: boolean;
      records?: Array<Record<string, unknown>>;
      [key: string]: unknown;
    }>;
    [key: string]: unknown;
  };
  acm?: { certificates?: Array<Record<string, unknown>>; [key: string]: unknown };
  ecr?: { repositories?: Array<Record<string, unknown>>; registryScanning?: unknown; [key: string]: unknown };
  /**
   * More accounts in the same world, by 12-digit id: each holds its own service state (same keys
   * as the world's). A caller whose ARN (world identity or assumed-role session) is in one of these
   * accounts sees that account's state; everyone else sees the default account's. With `accounts`
   * set, STS AssumeRole also checks the target role's trust policy for same-account callers, and
   * public DNS (ACM validation) follows delegations between public zones.
   */
  accounts?: Record<string, AccountWorld>;
  /**
   * Regions of every account of the world: `optedIn` lists the opt-in Regions (launched after
   * 2019-03-20) that are enabled (the others refuse every request with the protocol's invalid-token
   * error, as AWS does); `deniedByScp` lists Regions a service control policy denies (AccessDenied).
   * EC2 DescribeRegions answers from the same table.
   */
  regions?: { optedIn?: string[]; deniedByScp?: string[] };
  [service: string]: unknown;
}

/** One extra account of {@link World.accounts}: the world's service keys, without accounts or identities. */
export type AccountWorld = Omit<World, 'accountId' | 'region' | 'accounts' | 'identities' | 'regions'>;

/** One fault rule; the first matching live rule applies to a request. */
export interface FaultRule {
  /** Signing name (`iam`, `acm`, ..., or `registry`); absent: every service. */
  service?: string;
  /** Operation name (`GetRole`); absent: every operation. */
  operation?: string;
  /** `throttle`: the service's throttling error; `error5xx`: InternalFailure/ServiceUnavailable; `latency`: delay then serve. */
  kind: 'throttle' | 'error5xx' | 'latency';
  /** Chance in [0, 1] that a matching call is hit (default 1), drawn from the emulator's seeded random source. */
  probability?: number;
  /** Hit only the next N matching calls, then the rule is spent. */
  count?: number;
  /** For `latency`: delay in emulated milliseconds (default 1000). */
  latencyMs?: number;
  /** Override the error code (e.g. Route 53 `PriorRequestNotComplete`). */
  code?: string;
  /** Override the HTTP status (e.g. 503 for `error5xx` gives ServiceUnavailable). */
  status?: number;
}

/** One request as the emulator saw it. */
export interface CallRecord {
  /** 1, 2, 3... in arrival order. */
  seq: number;
  /** SigV4 signing name, or `registry` for `/v2/...`, or `unknown`. */
  service: string;
  operation: string;
  /** True when the operation changes state (even if this call failed). */
  mutating: boolean;
  /** Key inputs (names, ids), never documents or secrets. */
  input: Record<string, unknown>;
  /** HTTP status answered. */
  status: number;
  /** Error code when the call failed. */
  error?: string;
  /** Access key id of the caller, when signed. */
  accessKeyId?: string;
  /** Region of the signing scope, when signed. */
  region?: string;
  /** Account whose state served the call (the caller's account). */
  account?: string;
}

/** Filter of {@link Emulator.calls}. */
export interface CallFilter {
  service?: string;
  /** Account whose state served the call. */
  account?: string;
  operation?: string;
  mutating?: boolean;
}

/**
 * Tunable behaviour. All delays are emulated seconds. Service modules add their own keys
 * (with defaults) to this object; unknown keys are kept.
 */
export interface Behaviour {
  /** IAM: seconds after creation during which a role is an "Invalid principal" in trust policies (default 8). */
  iamPropagationSeconds?: number;
  [key: string]: unknown;
}

/** Options of `startEmulator`. */
export interface EmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind (default `127.0.0.1`). */
  host?: string;
  /** Emulated time runs this many times faster than real time (default 1). */
  speed?: number;
  /** The world to start with. */
  seed?: World;
  /** Fault rules to start with. */
  faults?: FaultRule[];
  /** Behaviour overrides (delays in emulated seconds). */
  behaviour?: Behaviour;
  /** Seed of the random source (ids, probabilistic faults); default 1. Same seed, same run. */
  randomSeed?: number;
  /** Emulated clock start, epoch ms (default: real now). */
  startTime?: number;
  /**
   * Extra service modules (tests, experiments). A module replaces a built-in one with the same
   * signing name.
   */
  extraServices?: AnyServiceModule[];
  /**
   * Also answer DNS on `host` (UDP and TCP, one port; `true`: a free port) from the world's public
   * hosted zones, following delegations as the internet would. Off by default.
   */
  dns?: boolean | { port?: number };
}
