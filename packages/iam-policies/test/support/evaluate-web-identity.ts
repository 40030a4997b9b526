/**
 * A small evaluator of IRSA trust policies for sts:AssumeRoleWithWebIdentity.
 *
 * Why not iam-simulate: it recognises OIDC condition keys only when the provider part has no `/`
 * (`token.actions.githubusercontent.com:sub`), but EKS issuers always have one
 * (`oidc.eks.<region>.amazonaws.com/id/<ID>:sub`), so it drops these keys as unknown. This evaluator
 * covers exactly what the IRSA builder writes: Allow statements, a Federated principal, and
 * StringEquals / StringLike conditions (IAM's `*` and `?` wildcards), all keys ANDed, values ORed.
 */
import type { PolicyDocument } from '../../src/index.js';

function likeToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : typeof v === 'string' ? [v] : v;

/** True when `provider` presenting a token with `claims` may assume the role. */
export function webIdentityAllowed(
  trust: PolicyDocument,
  provider: string,
  claims: Record<string, string>,
): boolean {
  return trust.Statement.some((s) => {
    if (s.Effect !== 'Allow') return false;
    if (!list(s.Action).includes('sts:AssumeRoleWithWebIdentity')) return false;
    const principal = s.Principal;
    if (principal === undefined || principal === '*' || !list(principal.Federated).includes(provider))
      return false;
    return Object.entries(s.Condition ?? {}).every(([operator, keys]) =>
      Object.entries(keys).every(([key, values]) => {
        const actual = claims[key];
        if (actual === undefined) return false;
        if (operator === 'StringEquals') return list(values).includes(actual);
        if (operator === 'StringLike') return list(values).some((v) => likeToRegExp(v).test(actual));
        throw new Error(`evaluator does not support ${operator}`);
      }),
    );
  });
}
