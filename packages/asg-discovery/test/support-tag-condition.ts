/**
 * Test-only: does an identity policy allow `action` on a resource with these tags? Enough of IAM's
 * evaluation for the autoscaler policy (Allow statements, Action lists, Resource `*` or exact ARN,
 * `StringEquals` on `aws:ResourceTag/<key>`, values compared exactly and case-sensitively as IAM does).
 * Any other condition operator or key throws, so a new policy shape cannot pass silently.
 * The emulator does not evaluate IAM conditions (see the package README), so this is the check.
 */
import type { PolicyDocument } from '@eks-kit/iam-policies';

export function allowsOnTaggedResource(
  policy: PolicyDocument,
  action: string,
  resourceArn: string,
  tags: Record<string, string>,
): boolean {
  return policy.Statement.some((s) => {
    const st = s as {
      Effect: string;
      Action?: string | string[];
      Resource?: string | string[];
      Condition?: Record<string, Record<string, string | string[]>>;
    };
    if (st.Effect !== 'Allow') return false;
    if (![st.Action ?? []].flat().includes(action)) return false;
    const resources = [st.Resource ?? []].flat();
    if (!resources.includes('*') && !resources.includes(resourceArn)) return false;
    for (const [operator, block] of Object.entries(st.Condition ?? {})) {
      if (operator !== 'StringEquals') throw new Error(`test evaluator: unsupported operator ${operator}`);
      for (const [key, want] of Object.entries(block)) {
        const tag = /^aws:ResourceTag\/(.+)$/.exec(key)?.[1];
        if (!tag) throw new Error(`test evaluator: unsupported condition key ${key}`);
        const have = tags[tag];
        if (have === undefined || ![want].flat().includes(have)) return false;
      }
    }
    return true;
  });
}
