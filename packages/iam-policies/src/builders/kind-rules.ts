/**
 * The rules that depend on the kind of policy (IAM user guide, "Policies and permissions" and
 * "Role trust policies"): identity policies name no principal; trust and resource policies must;
 * trust policies allow only the sts actions that assume a role or set session data; nobody may
 * write `Principal: "*"` with eks-kit (least privilege: name the principals).
 */
import { InvalidInputError } from '@eks-kit/core';
import { asList } from './canonical-values.js';
import type { PolicyKind, PolicyPrincipal, PolicyStatement } from './types.js';

/** Actions a role trust policy may allow (lower case for comparison). */
export const TRUST_POLICY_ACTIONS: readonly string[] = [
  'sts:AssumeRole',
  'sts:AssumeRoleWithSAML',
  'sts:AssumeRoleWithWebIdentity',
  'sts:SetSourceIdentity',
  'sts:TagSession',
];
const TRUST_ACTION_SET: ReadonlySet<string> = new Set(TRUST_POLICY_ACTIONS.map((a) => a.toLowerCase()));

function checkNoStarPrincipal(principal: PolicyPrincipal, field: string): void {
  if (principal === '*') {
    throw new InvalidInputError(field, '*', 'named principals, not "*" (anyone)', {
      hint: 'name the accounts, roles or services that may use this policy',
    });
  }
  for (const [key, value] of Object.entries(principal)) {
    const list = asList(value);
    list.forEach((item, index) => {
      if (item === '*') {
        const path = typeof value === 'string' ? `${field}.${key}` : `${field}.${key}[${index}]`;
        throw new InvalidInputError(path, item, 'a named principal, not "*" (anyone)', {
          hint: 'name the accounts, roles or services that may use this policy',
        });
      }
    });
  }
}

/**
 * Check the kind rules of one canonical statement; throws {@link InvalidInputError} naming the path.
 *
 * @example
 * ```ts
 * validateStatementKindRules({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Principal: { AWS: '*' } }, 'resource', 'Statement[0]');
 * // throws: Statement[0].Principal.AWS: expected a named principal, not "*" (anyone), got "*"
 * ```
 */
export function validateStatementKindRules(s: PolicyStatement, kind: PolicyKind, field: string): void {
  if (s.Principal !== undefined) checkNoStarPrincipal(s.Principal, `${field}.Principal`);
  if (s.NotPrincipal !== undefined) {
    if (s.Effect === 'Allow')
      throw new InvalidInputError(
        `${field}.NotPrincipal`,
        'NotPrincipal',
        'NotPrincipal only with Effect Deny',
        {
          hint: 'Allow with NotPrincipal grants access to everyone else; use Principal',
        },
      );
  }
  if (kind === 'identity') {
    if (s.Principal !== undefined || s.NotPrincipal !== undefined) {
      const key = s.Principal !== undefined ? 'Principal' : 'NotPrincipal';
      throw new InvalidInputError(`${field}.${key}`, key, 'no principal in an identity policy', {
        hint: 'an identity policy applies to the role it is attached to; principals belong in trust or resource policies',
      });
    }
    if (s.Resource === undefined && s.NotResource === undefined)
      throw new InvalidInputError(
        `${field}.Resource`,
        undefined,
        'a Resource or NotResource in an identity policy',
      );
    return;
  }
  if (s.Principal === undefined && s.NotPrincipal === undefined)
    throw new InvalidInputError(`${field}.Principal`, undefined, `a Principal in a ${kind} policy`);
  if (kind === 'resource') return;
  // trust
  if (s.Principal === undefined)
    throw new InvalidInputError(`${field}.Principal`, undefined, 'a Principal in a trust policy');
  if (s.NotAction !== undefined)
    throw new InvalidInputError(
      `${field}.NotAction`,
      s.NotAction,
      'Action (not NotAction) in a trust policy',
    );
  for (const key of ['Resource', 'NotResource'] as const) {
    if (s[key] !== undefined)
      throw new InvalidInputError(
        `${field}.${key}`,
        s[key],
        `no ${key} in a trust policy (the role is the resource)`,
      );
  }
  const actions = s.Action;
  asList(actions).forEach((action, index) => {
    if (!TRUST_ACTION_SET.has(action.toLowerCase())) {
      const path = typeof actions === 'string' ? `${field}.Action` : `${field}.Action[${index}]`;
      throw new InvalidInputError(path, action, `a trust policy action: ${TRUST_POLICY_ACTIONS.join(', ')}`);
    }
  });
}

/**
 * Deprecated name of {@link validateStatementKindRules} (`check*` returns findings; this throws on invalid input, like every `validate*`); the same function. Kept for one minor version.
 *
 * @deprecated Use {@link validateStatementKindRules}.
 * @example
 * ```ts
 * validateStatementKindRules(...args); // instead of checkStatementKindRules(...args)
 * ```
 */
export const checkStatementKindRules: typeof validateStatementKindRules = validateStatementKindRules;
