/**
 * IAM policy documents: RFC 3986 encoding of returned documents, grammar checks
 * (MalformedPolicyDocument), sizes without whitespace, and the "Invalid principal" check of trust
 * policies during IAM's propagation window.
 */
import { AwsError } from '../../framework/errors.js';
import { findRole, type IamState } from './state.js';

/**
 * Encodes a document as IAM returns it: RFC 3986 percent-encoding (every byte but
 * `A-Z a-z 0-9 - . _ ~`); SDK v3 does not decode it (aws-sdk-js-v3#1945).
 * @example encodeDocument('{"a":"b c"}') // '%7B%22a%22%3A%22b%20c%22%7D'
 */
export function encodeDocument(document: string): string {
  return encodeURIComponent(document).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Size as IAM counts it against quotas: whitespace outside strings is not counted.
 * @example policySize('{ "a" : 1 }') // 7
 */
export function policySize(document: string): number {
  try {
    return JSON.stringify(JSON.parse(document)).length;
  } catch {
    return document.length;
  }
}

function malformed(message: string): AwsError {
  return new AwsError('MalformedPolicyDocument', message, 400);
}

/** Kind of document: identity policies need Resource and no Principal; trust policies the reverse. */
export type DocumentKind = 'identity' | 'trust';

/**
 * Parses and checks a policy document; throws MalformedPolicyDocument as IAM does.
 * @example checkPolicyGrammar('{"Version":"2012-10-17","Statement":[]}', 'identity')
 */
export function checkPolicyGrammar(document: string, kind: DocumentKind): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw malformed('This policy contains invalid Json');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw malformed('This policy contains invalid Json');
  const policy = parsed as Record<string, unknown>;
  if (policy.Version === undefined) throw malformed('Syntax errors in policy.');
  if (policy.Version !== '2012-10-17' && policy.Version !== '2008-10-17') {
    throw malformed('The policy failed legacy parsing');
  }
  const raw = policy.Statement;
  if (raw === undefined) throw malformed('Syntax errors in policy.');
  const statements = Array.isArray(raw) ? raw : [raw];
  if (statements.length === 0) throw malformed('Syntax errors in policy.');
  for (const s of statements) {
    if (!s || typeof s !== 'object' || Array.isArray(s)) throw malformed('Syntax errors in policy.');
    const st = s as Record<string, unknown>;
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') throw malformed('Syntax errors in policy.');
    if (st.Action === undefined && st.NotAction === undefined) {
      throw malformed('Policy statement must contain actions.');
    }
    if (kind === 'identity') {
      if (st.Principal !== undefined || st.NotPrincipal !== undefined) {
        throw malformed('Policy document should not specify a principal.');
      }
      if (st.Resource === undefined && st.NotResource === undefined) {
        throw malformed('Policy statement must contain resources.');
      }
    } else {
      if (st.Principal === undefined && st.NotPrincipal === undefined) {
        throw malformed('AssumeRolepolicy contained an invalid principal element');
      }
      if (st.Resource !== undefined || st.NotResource !== undefined)
        throw malformed('Has prohibited field Resource');
    }
  }
  return statements as Record<string, unknown>[];
}

function values(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Refuses principals of this account that IAM would not resolve: a role that does not exist, or
 * that was created less than `propagationSeconds` ago (terraform-provider-aws#1388), and an OIDC
 * provider that does not exist. Message: `Invalid principal in policy: "AWS":"<arn>"`.
 * @example checkTrustPrincipals(statements, state, clock.now(), 8)
 */
export function checkTrustPrincipals(
  statements: Record<string, unknown>[],
  state: IamState,
  now: number,
  propagationSeconds: number,
): void {
  for (const st of statements) {
    const principal = st.Principal ?? st.NotPrincipal;
    if (!principal || typeof principal !== 'object') continue;
    const p = principal as Record<string, unknown>;
    for (const arn of values(p.AWS)) {
      const m = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
      if (!m || m[1] !== state.accountId) continue;
      const role = findRole(state, m[2] as string);
      const fresh = role && now - role.createdAt < propagationSeconds * 1000;
      if (!role || role.arn !== arn || fresh) throw malformed(`Invalid principal in policy: "AWS":"${arn}"`);
    }
    for (const arn of values(p.Federated)) {
      const m = /^arn:aws[\w-]*:iam::(\d{12}):oidc-provider\//.exec(arn);
      if (!m || m[1] !== state.accountId) continue;
      if (!state.oidcProviders.has(arn)) throw malformed(`Invalid principal in policy: "Federated":"${arn}"`);
    }
  }
}
