/**
 * Callers by access key: the world's identities, sessions made by STS AssumeRole, and the
 * default user. Also the AccessDenied message AWS writes.
 */
import type { IdentitySeed } from '../types.js';
import type { CallerIdentity } from './service.js';

/** The identity registry. */
export interface Identities {
  resolve(accessKeyId: string): CallerIdentity;
  register(accessKeyId: string, arn: string, extra?: { roleArn?: string }): CallerIdentity;
}

function accountOf(arn: string, fallback: string): string {
  return /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1] ?? fallback;
}

/**
 * Creates the registry from the world's identities.
 * @example createIdentities({ AKID: { arn: 'arn:aws:iam::123456789012:user/ci', deny: ['iam:*'] } }, '123456789012')
 */
export function createIdentities(seed: Record<string, IdentitySeed>, accountId: string): Identities {
  const sessions = new Map<string, CallerIdentity>();
  const denyOfArn = (arn: string): string[] => Object.values(seed).find((s) => s.arn === arn)?.deny ?? [];
  return {
    resolve(accessKeyId) {
      const known = seed[accessKeyId];
      if (known) {
        return {
          accessKeyId,
          arn: known.arn,
          accountId: accountOf(known.arn, accountId),
          deny: [...(known.deny ?? [])],
        };
      }
      const session = sessions.get(accessKeyId);
      if (session) return { ...session, deny: [...session.deny] };
      return { accessKeyId, arn: `arn:aws:iam::${accountId}:user/emulator`, accountId, deny: [] };
    },
    register(accessKeyId, arn, extra = {}) {
      const deny = [...denyOfArn(arn), ...(extra.roleArn ? denyOfArn(extra.roleArn) : [])];
      const identity: CallerIdentity = {
        accessKeyId,
        arn,
        accountId: accountOf(arn, accountId),
        deny,
        ...extra,
      };
      sessions.set(accessKeyId, identity);
      return identity;
    },
  };
}

/**
 * True when an action matches one of the deny globs (IAM action names are case-insensitive).
 * @example isActionDenied('iam:CreateRole', ['iam:Create*']) // true
 */
export function isActionDenied(action: string, deny: readonly string[]): boolean {
  return deny.some((pattern) => {
    const re = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      'i',
    );
    return re.test(action);
  });
}

/**
 * The AccessDenied message of an implicit deny, as AWS writes it.
 * @example accessDeniedMessage('arn:aws:iam::123456789012:user/ci', 'iam:GetRole', 'arn:aws:iam::123456789012:role/x')
 */
export function accessDeniedMessage(arn: string, action: string, resource: string): string {
  return `User: ${arn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
}
