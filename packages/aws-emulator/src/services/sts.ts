/**
 * STS (awsQuery 2011-06-15): GetCallerIdentity and AssumeRole. An assumed role's access key acts
 * as `arn:aws:sts::<account>:assumed-role/<role>/<session>` on later requests.
 */
import { AwsError } from '../framework/errors.js';
import { optionalInt, requireString, validateName } from '../framework/params.js';
import { type CallerIdentity, defineService } from '../framework/service.js';
import { findRole, type IamState } from './iam/state.js';

/** STS state: nothing beyond the sessions kept by the identity registry. */
type StsState = Record<string, never>;

/** A stable pseudo unique id for a principal ARN (AIDA... for users). */
function stableId(prefix: string, text: string): string {
  let h = 2166136261;
  let out = '';
  for (let i = 0; out.length < 17; i++) {
    h = Math.imul(h ^ (text.charCodeAt(i % Math.max(1, text.length)) + i), 16777619) >>> 0;
    out += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[h % 32];
  }
  return prefix + out;
}

/** A policy statement's string-or-list field as a list. */
function list(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function globMatch(pattern: string, text: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(text);
}

/** True when a trust policy `Principal` names the caller (ARN, its role for a session, its account or `*`). */
function principalMatches(principal: unknown, caller: CallerIdentity): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  const names = list((principal as Record<string, unknown>).AWS);
  return names.some(
    (name) =>
      name === '*' ||
      name === caller.arn ||
      (caller.roleArn !== undefined && name === caller.roleArn) ||
      name === caller.accountId ||
      name === `arn:aws:iam::${caller.accountId}:root`,
  );
}

/** True when the statement's conditions hold; only `sts:ExternalId` (StringEquals/StringLike) is evaluated. */
function conditionsHold(condition: unknown, externalId: string | undefined): boolean {
  if (!condition || typeof condition !== 'object') return true;
  for (const [operator, block] of Object.entries(condition as Record<string, Record<string, unknown>>)) {
    for (const [key, wanted] of Object.entries(block ?? {})) {
      if (key.toLowerCase() !== 'sts:externalid') continue;
      if (externalId === undefined) return false;
      const values = list(wanted);
      const ok =
        operator === 'StringLike'
          ? values.some((v) => globMatch(v, externalId))
          : values.some((v) => v === externalId);
      if (!ok) return false;
    }
  }
  return true;
}

/**
 * Evaluates a role's trust policy for an AssumeRole by `caller`: an Allow statement for
 * `sts:AssumeRole` naming the caller whose conditions hold, and no such Deny.
 * @example trustAllows('{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}', caller, undefined)
 */
export function trustAllows(
  trustPolicy: string,
  caller: CallerIdentity,
  externalId: string | undefined,
): boolean {
  let document: { Statement?: unknown };
  try {
    document = JSON.parse(trustPolicy) as { Statement?: unknown };
  } catch {
    return false;
  }
  const statements = (Array.isArray(document.Statement) ? document.Statement : [document.Statement]).filter(
    (st): st is Record<string, unknown> => typeof st === 'object' && st !== null,
  );
  const applies = (st: Record<string, unknown>): boolean =>
    list(st.Action).some((a) => globMatch(a, 'sts:AssumeRole')) &&
    principalMatches(st.Principal, caller) &&
    conditionsHold(st.Condition, externalId);
  if (statements.some((st) => st.Effect === 'Deny' && applies(st))) return false;
  return statements.some((st) => st.Effect === 'Allow' && applies(st));
}

/** The STS module. */
export const sts = defineService<StsState>({
  signingName: 'sts',
  protocol: { kind: 'query', version: '2011-06-15', xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/' },
  createState: () => ({}),
  // AssumeRole calls per second per calling account (0: no limit). AWS publishes no fixed STS rate; a
  // caller over its account's rate gets `Throttling: Rate exceeded` (400), which the SDK retries.
  behaviourDefaults: { stsAssumeRoleRatePerSecond: 0 },
  operations: {
    GetCallerIdentity: {
      // GetCallerIdentity needs no permission: an explicit deny does not stop it (STS API reference).
      action: false,
      handler: ({ caller, stateOf }) => {
        const session = /:assumed-role\/([^/]+)\/(.+)$/.exec(caller.arn);
        let userId = stableId('AIDA', caller.arn);
        if (session) {
          const role = findRole(stateOf<IamState>('iam'), session[1] as string);
          userId = `${role?.id ?? stableId('AROA', session[1] as string)}:${session[2]}`;
        }
        return { UserId: userId, Account: caller.accountId, Arn: caller.arn };
      },
    },
    AssumeRole: {
      logInput: ['RoleArn', 'RoleSessionName', 'DurationSeconds'],
      // ExternalId is a shared secret between accounts: never logged.
      resource: (input) => String(input.RoleArn ?? '*'),
      handler: (request) => {
        const { input, caller, clock, random, registerIdentity } = request;
        const rate = Number(request.behaviour.stsAssumeRoleRatePerSecond ?? 0);
        if (rate > 0) request.enforceRate(`AssumeRole:${caller.accountId}`, rate);
        const arn = requireString(input, 'RoleArn');
        const sessionName = requireString(input, 'RoleSessionName');
        validateName('RoleSessionName', sessionName, 2, 64, /^[\w+=,.@-]*$/);
        const duration = optionalInt(input, 'DurationSeconds', 900, 43_200) ?? 3600;
        const externalId = typeof input.ExternalId === 'string' ? input.ExternalId : undefined;
        if (externalId !== undefined) validateName('ExternalId', externalId, 2, 1224, /^[\w+=,.@:/-]*$/);
        // The role lives in the account its ARN names (another account of the world, or this one).
        const roleAccount = /^arn:[^:]+:iam::(\d{12}):role\//.exec(arn)?.[1];
        const iamState =
          roleAccount === undefined
            ? undefined
            : (request.stateOfAccount<IamState>('iam', roleAccount) ??
              (roleAccount === request.accountId ? request.stateOf<IamState>('iam') : undefined));
        const role = iamState ? findRole(iamState, arn) : undefined;
        if (!role) {
          // AWS answers a missing role like a refused trust: AccessDenied on sts:AssumeRole, with no
          // "because no identity-based policy allows" context, which names the caller's own policies
          // (IAM User Guide, "Troubleshoot access denied error messages", read 2026-12-07).
          throw new AwsError(
            'AccessDenied',
            `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
            403,
          );
        }
        // The trust policy decides across accounts always; in one account only in a multi-account world
        // (single-account worlds keep the emulator's older, permissive same-account behaviour).
        if (
          (roleAccount !== caller.accountId || request.multiAccount) &&
          !trustAllows(role.trustPolicy, caller, externalId)
        ) {
          throw new AwsError(
            'AccessDenied',
            `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${role.arn}`,
            403,
          );
        }
        if (duration > role.maxSessionDuration) {
          throw new AwsError(
            'ValidationError',
            'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
            400,
          );
        }
        const sessionArn = `arn:aws:sts::${role.arn.split(':')[4]}:assumed-role/${role.name}/${sessionName}`;
        const accessKeyId = random.id('ASIA', 16);
        registerIdentity(accessKeyId, sessionArn, { roleArn: role.arn });
        return {
          Credentials: {
            AccessKeyId: accessKeyId,
            SecretAccessKey: random.chars(
              40,
              'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
            ),
            SessionToken: `FwoGZXIvYXdzE${random.chars(120, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`,
            Expiration: new Date(clock.now() + duration * 1000),
          },
          AssumedRoleUser: { AssumedRoleId: `${role.id}:${sessionName}`, Arn: sessionArn },
          PackedPolicySize: undefined,
        };
      },
    },
  },
});
