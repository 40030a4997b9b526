/**
 * The policy document builder and its canonical JSON.
 */
import { InvalidInputError } from '@eks-kit/core';
import { canonicalStatement } from './canonical-statement.js';
import { validateStatementKindRules } from './kind-rules.js';
import { mergeCompatibleStatements } from './merge-statements.js';
import type { PolicyDocument, PolicyKind, PolicyStatement } from './types.js';

/** Options of {@link policyDocument}. */
export interface PolicyDocumentOptions {
  /** Which rules apply: identity (no principal), trust (principal, sts actions only), resource (principal). */
  kind: PolicyKind;
  /** Merge statements that differ only in actions or only in resources (default false). */
  mergeStatements?: boolean;
}

const KINDS: ReadonlySet<string> = new Set(['identity', 'trust', 'resource']);

/**
 * Build a canonical policy document: `Version: '2012-10-17'`, statements in canonical form (stable
 * key order, sorted de-duplicated lists, one-element lists as scalars), duplicate statements removed,
 * optionally merged. Checks structure and the kind rules (throws {@link InvalidInputError} with the
 * path, e.g. `Statement[1].Principal`); action names, wildcards and sizes are checked by
 * `validatePolicy`.
 *
 * @example
 * ```ts
 * const doc = policyDocument(
 *   [statement({ actions: ['ec2:DescribeImages', 'autoscaling:DescribeAutoScalingGroups'], resources: '*' })],
 *   { kind: 'identity' },
 * );
 * policyJson(doc);
 * // {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["autoscaling:DescribeAutoScalingGroups","ec2:DescribeImages"],"Resource":"*"}]}
 * ```
 */
export function policyDocument(
  statements: readonly PolicyStatement[],
  options: PolicyDocumentOptions,
): PolicyDocument {
  if (!options || !KINDS.has(options.kind))
    throw new InvalidInputError('kind', options?.kind, 'identity, trust or resource');
  if (!Array.isArray(statements) || statements.length === 0)
    throw new InvalidInputError('Statement', statements, 'a non-empty list of statements');
  const canonical = statements.map((s, index) => {
    const field = `Statement[${index}]`;
    const c = canonicalStatement(s, field);
    validateStatementKindRules(c, options.kind, field);
    return c;
  });
  const seen = new Set<string>();
  const unique = canonical.filter((s) => {
    const key = JSON.stringify(s);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const sids = new Set<string>();
  unique.forEach((s, index) => {
    if (s.Sid === undefined) return;
    if (sids.has(s.Sid))
      throw new InvalidInputError(`Statement[${index}].Sid`, s.Sid, 'a Sid unique within the document');
    sids.add(s.Sid);
  });
  return {
    Version: '2012-10-17',
    Statement: options.mergeStatements ? mergeCompatibleStatements(unique) : unique,
  };
}

/**
 * The canonical JSON of a document: no whitespace, keys in the order the builders put them (the form
 * IAM's size limits count and the form eks-kit sends).
 *
 * @example
 * ```ts
 * policyJson(servicePrincipalTrustPolicy('lambda.amazonaws.com'));
 * // '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
 * ```
 */
export function policyJson(doc: PolicyDocument, options: { pretty?: boolean } = {}): string {
  return JSON.stringify(doc, null, options.pretty ? 2 : undefined);
}
