/**
 * AWS Systems Manager Parameter Store (awsJson1_1, `X-Amz-Target: AmazonSSM.<Op>`): GetParameter and
 * PutParameter, written from the SSM API Reference.
 *
 * - `Name` is a parameter name (`/eks-kit/prod/stack`, `plain-name`) or its ARN
 *   (`arn:aws:ssm:<region>:<account>:parameter/eks-kit/prod/stack`), optionally followed by a selector
 *   `:<version>` or `:<label>`.
 * - A missing parameter is `ParameterNotFound` (400); a missing version `ParameterVersionNotFound` (400).
 * - SecureString values come back encrypted (base64 ciphertext) unless `WithDecryption` is true, in
 *   which case the caller also needs `kms:Decrypt` (a caller denied it gets AccessDeniedException).
 *
 * - PutParameter creates a parameter (version 1) or, with `Overwrite: true`, replaces its value (version
 *   + 1); without it an existing name is `ParameterAlreadyExists` (400). `Tier` is `Standard` (value up
 *   to 4,096 characters), `Advanced` (8,192) or `Intelligent-Tiering` (Standard while the value fits,
 *   else Advanced); a longer value is a `ValidationException`. The answer is `{ Version, Tier }`.
 *
 * World: `ssm.parameters: [{ name, value, type?: 'String' | 'StringList' | 'SecureString', region?,
 * version?, labels?: string[], keyId? }]` (type `String`, world region, version 1 by default).
 */
import { AwsError, validationError } from '../framework/errors.js';
import { optionalBool, requireString } from '../framework/params.js';
import { defineService, type ServiceRequest } from '../framework/service.js';
import type { World } from '../types.js';

/** Parameter types (PutParameter `Type`). */
export type SsmParameterType = 'String' | 'StringList' | 'SecureString';

/** A parameter in the world (seed). */
export interface SsmParameterSeed {
  name: string;
  value: string;
  type?: SsmParameterType;
  region?: string;
  version?: number;
  labels?: string[];
  /** KMS key of a SecureString (default `alias/aws/ssm`). */
  keyId?: string;
}

/** A parameter as the emulator keeps it. */
export interface SsmParameter {
  name: string;
  region: string;
  type: SsmParameterType;
  value: string;
  version: number;
  labels: string[];
  keyId?: string;
  lastModified: number;
  /** `Standard` or `Advanced` (what Intelligent-Tiering resolved to). */
  tier?: 'Standard' | 'Advanced';
}

/** SSM state: parameters by `<region>\u0000<name>`. */
export interface SsmState {
  parameters: Map<string, SsmParameter>;
}

const TYPES: ReadonlySet<string> = new Set(['String', 'StringList', 'SecureString']);

function key(region: string, name: string): string {
  return `${region}\u0000${name}`;
}

/** The parameter ARN: a leading `/` of a hierarchical name is not repeated after `parameter`. */
function parameterArn(accountId: string, region: string, name: string): string {
  return `arn:aws:ssm:${region}:${accountId}:parameter/${name.replace(/^\//, '')}`;
}

/** Splits `Name` into the parameter name (ARN resolved) and the optional `:version` / `:label` selector. */
function parseName(raw: string, accountId: string): { name: string; region?: string; selector?: string } {
  let rest = raw;
  let region: string | undefined;
  const arn = /^arn:aws[a-z-]*:ssm:([a-z0-9-]+):(\d{12}):parameter(\/.*)$/.exec(raw);
  if (arn) {
    region = arn[1];
    if (arn[2] !== accountId) throw new AwsError('ParameterNotFound', '', 400);
    // parameter/x is the name `x`; parameter//a/b or parameter/a/b is `/a/b` when hierarchical.
    const path = (arn[3] as string).slice(1);
    rest = path.includes('/') ? `/${path.replace(/^\//, '')}` : path;
  }
  const colon = rest.lastIndexOf(':');
  if (colon > 0)
    return { name: rest.slice(0, colon), selector: rest.slice(colon + 1), ...(region ? { region } : {}) };
  return { name: rest, ...(region ? { region } : {}) };
}

function fakeCiphertext(parameter: SsmParameter): string {
  return Buffer.from(
    `kms:${parameter.keyId ?? 'alias/aws/ssm'}:${parameter.name}:v${parameter.version}`,
  ).toString('base64');
}

function getParameter({ input, state, region, accountId, authorize }: ServiceRequest<SsmState>): unknown {
  const raw = requireString(input, 'Name', 'ValidationException');
  if (raw.length > 2048) {
    throw validationError(
      'name',
      raw,
      'Member must have length less than or equal to 2048',
      'ValidationException',
    );
  }
  const withDecryption = optionalBool(input, 'WithDecryption') ?? false;
  const { name, region: arnRegion, selector } = parseName(raw, accountId);
  const where = arnRegion ?? region;
  const parameter = state.parameters.get(key(where, name));
  if (!parameter) throw new AwsError('ParameterNotFound', '', 400);
  if (selector !== undefined) {
    const byVersion = /^\d+$/.test(selector) ? Number(selector) : undefined;
    if (byVersion !== undefined ? byVersion !== parameter.version : !parameter.labels.includes(selector)) {
      throw new AwsError(
        'ParameterVersionNotFound',
        `Systems Manager could not find version ${selector} of ${name}. Verify the version and try again.`,
        400,
      );
    }
  }
  const arn = parameterArn(accountId, where, name);
  let value = parameter.value;
  if (parameter.type === 'SecureString') {
    if (withDecryption)
      authorize('kms:Decrypt', `arn:aws:kms:${where}:${accountId}:key/${parameter.keyId ?? 'alias/aws/ssm'}`);
    else value = fakeCiphertext(parameter);
  }
  return {
    Parameter: {
      Name: name,
      Type: parameter.type,
      Value: value,
      Version: parameter.version,
      ...(selector !== undefined ? { Selector: `:${selector}` } : {}),
      LastModifiedDate: new Date(parameter.lastModified),
      ARN: arn,
      DataType: 'text',
    },
  };
}

const TIERS: ReadonlySet<string> = new Set(['Standard', 'Advanced', 'Intelligent-Tiering']);
/** Value limits in characters (SSM quotas): Standard 4 KB, Advanced 8 KB. */
const STANDARD_MAX = 4096;
const ADVANCED_MAX = 8192;

function putParameter({ input, state, region, accountId, clock }: ServiceRequest<SsmState>): unknown {
  const raw = requireString(input, 'Name', 'ValidationException');
  const value = requireString(input, 'Value', 'ValidationException');
  const { name, region: arnRegion, selector } = parseName(raw, accountId);
  if (selector !== undefined || !/^[A-Za-z0-9_.\-/]{1,1011}$/.test(name)) {
    throw validationError(
      'name',
      raw,
      'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive) and must use only a-zA-Z0-9_.-/',
      'ValidationException',
    );
  }
  const type = (typeof input.Type === 'string' ? input.Type : undefined) ?? 'String';
  if (!TYPES.has(type))
    throw validationError(
      'type',
      type,
      'Member must satisfy enum value set: [SecureString, StringList, String]',
      'ValidationException',
    );
  const tierIn = typeof input.Tier === 'string' ? input.Tier : 'Standard';
  if (!TIERS.has(tierIn))
    throw validationError(
      'tier',
      tierIn,
      'Member must satisfy enum value set: [Advanced, Intelligent-Tiering, Standard]',
      'ValidationException',
    );
  const tier: 'Standard' | 'Advanced' =
    tierIn === 'Advanced' || (tierIn === 'Intelligent-Tiering' && value.length > STANDARD_MAX)
      ? 'Advanced'
      : 'Standard';
  const limit = tier === 'Advanced' ? ADVANCED_MAX : STANDARD_MAX;
  if (value.length < 1 || value.length > limit) {
    throw validationError(
      'value',
      '(value)',
      `Member must have length less than or equal to ${limit}`,
      'ValidationException',
    );
  }
  const where = arnRegion ?? region;
  const existing = state.parameters.get(key(where, name));
  if (existing && optionalBool(input, 'Overwrite') !== true) {
    throw new AwsError(
      'ParameterAlreadyExists',
      'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      400,
    );
  }
  const parameter: SsmParameter = {
    name,
    region: where,
    type: type as SsmParameterType,
    value,
    version: (existing?.version ?? 0) + 1,
    labels: [],
    lastModified: clock.now(),
    tier,
    ...(typeof input.KeyId === 'string'
      ? { keyId: input.KeyId }
      : existing?.keyId
        ? { keyId: existing.keyId }
        : {}),
  };
  state.parameters.set(key(where, name), parameter);
  return { Version: parameter.version, Tier: tier };
}

function seedParameters(world: World, accountRegion: string, now: number): Map<string, SsmParameter> {
  const seeds = ((world.ssm as { parameters?: SsmParameterSeed[] } | undefined)?.parameters ??
    []) as SsmParameterSeed[];
  const out = new Map<string, SsmParameter>();
  for (const seed of seeds) {
    const type = seed.type ?? 'String';
    if (!TYPES.has(type))
      throw new Error(
        `world.ssm.parameters: type of ${seed.name} must be String, StringList or SecureString`,
      );
    const region = seed.region ?? accountRegion;
    out.set(key(region, seed.name), {
      name: seed.name,
      region,
      type,
      value: String(seed.value),
      version: seed.version ?? 1,
      labels: seed.labels ?? [],
      ...(seed.keyId ? { keyId: seed.keyId } : {}),
      lastModified: now,
    });
  }
  return out;
}

/** The SSM module. */
export const ssm = defineService<SsmState>({
  signingName: 'ssm',
  protocol: { kind: 'json', targetPrefix: 'AmazonSSM', jsonVersion: '1.1' },
  createState: (world, { region, clock }) => ({ parameters: seedParameters(world, region, clock.now()) }),
  operations: {
    GetParameter: {
      logInput: ['Name', 'WithDecryption'],
      resource: (input, request) => {
        try {
          const { name, region } = parseName(
            typeof input.Name === 'string' ? input.Name : '',
            request.accountId,
          );
          return parameterArn(request.accountId, region ?? request.region, name);
        } catch {
          return '*';
        }
      },
      handler: getParameter,
    },
    PutParameter: {
      mutating: true,
      logInput: ['Name', 'Type', 'Overwrite', 'Tier'],
      resource: (input, request) => {
        try {
          const { name, region } = parseName(
            typeof input.Name === 'string' ? input.Name : '',
            request.accountId,
          );
          return parameterArn(request.accountId, region ?? request.region, name);
        } catch {
          return '*';
        }
      },
      handler: putParameter,
    },
  },
});
