/**
 * AWS Systems Manager Parameter Store (awsJson1_1, `X-Amz-Target: AmazonSSM.<Op>`): GetParameter,
 * written from the SSM API Reference.
 *
 * - `Name` is a parameter name (`/eks-kit/prod/stack`, `plain-name`) or its ARN
 *   (`arn:aws:ssm:<region>:<account>:parameter/eks-kit/prod/stack`), optionally followed by a selector
 *   `:<version>` or `:<label>`.
 * - A missing parameter is `ParameterNotFound` (400); a missing version `ParameterVersionNotFound` (400).
 * - SecureString values come back encrypted (base64 ciphertext) unless `WithDecryption` is true, in
 *   which case the caller also needs `kms:Decrypt` (a caller denied it gets AccessDeniedException).
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
  },
});
