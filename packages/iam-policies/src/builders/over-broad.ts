/**
 * What makes a policy grant more than an eks-kit stack ever does: the reasons `check` fails a
 * policy attached or added by hand to a role (or set on a repository) the stack owns.
 */
import { decodePolicyDocument, type PolicyInput } from './compare.js';

/** Action verbs that only read (IAM's access levels List and Read, by naming convention). */
const READ_VERB = /^(?:Describe|Get|List|BatchGet|BatchCheck|Head|Lookup|Search|Select|View)/;

function list(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((v): v is string => typeof v === 'string');
}

function isWrite(action: string): boolean {
  if (action === '*') return true;
  const verb = action.slice(action.indexOf(':') + 1);
  return verb === '' || verb.startsWith('*') || !READ_VERB.test(verb);
}

/**
 * The reasons a policy document grants too much, one short phrase each (empty when none): an Allow
 * with every action (`*`, `<service>:*` for iam or sts), a `NotAction` allow, a write action on
 * `Resource: "*"` without a condition, and, for a resource policy (`{ resource: true }`), anyone
 * (`Principal: "*"`) without a condition. The resource mode is only that floor: it knows nothing of
 * whose principals are whose, so a grant of writes to another account passes it. ECR repository
 * policies are judged by ecr-credentials' `repositoryPolicyGrants` instead (issue 21: a push and
 * delete grant to another account passed this and `check` said ok).
 *
 * @example
 * ```ts
 * overBroadGrants({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
 * // ['allows every action (*)', 'allows * on Resource "*" without a condition']
 * ```
 */
export function overBroadGrants(document: PolicyInput, options: { resource?: boolean } = {}): string[] {
  const reasons: string[] = [];
  const doc = decodePolicyDocument(document);
  for (const raw of doc.Statement) {
    if (!raw || typeof raw !== 'object') continue;
    const s = raw as Record<string, unknown>;
    if (s.Effect !== 'Allow') continue;
    const conditioned = s.Condition !== undefined && Object.keys(s.Condition as object).length > 0;
    const actions = list(s.Action);
    if (s.NotAction !== undefined) reasons.push('allows every action but a few (NotAction)');
    for (const action of actions) {
      const lower = action.toLowerCase();
      if (lower === '*' || lower === '*:*') reasons.push('allows every action (*)');
      else if (lower === 'iam:*' || lower === 'sts:*') reasons.push(`allows ${action}`);
    }
    const resources = list(s.Resource);
    if (!options.resource && resources.includes('*') && !conditioned) {
      const writes = actions.filter(isWrite);
      if (writes.length > 0)
        reasons.push(
          `allows ${writes.slice(0, 3).join(', ')}${writes.length > 3 ? ', ...' : ''} on Resource "*" without a condition`,
        );
    }
    if (options.resource && !conditioned) {
      const principal = s.Principal;
      const anyone =
        principal === '*' ||
        (typeof principal === 'object' &&
          principal !== null &&
          list((principal as Record<string, unknown>).AWS).includes('*'));
      if (anyone) reasons.push('allows anyone (Principal "*") without a condition');
      const wide = actions.filter((a) => a === '*' || a.toLowerCase() === 'ecr:*');
      if (wide.length > 0 && !reasons.includes('allows every action (*)'))
        reasons.push(`allows ${wide.join(', ')}`);
    }
  }
  return [...new Set(reasons)];
}
