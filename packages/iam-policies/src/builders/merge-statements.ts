/**
 * Merging of compatible statements: a statement allows the product Actions x Resources, so two
 * statements equal but for their Action lists (or their Resource lists) are one statement with the
 * union of the lists. Statements with a Sid are left alone (the Sid names them).
 */
import { asList, scalarIfSingle, uniqueSorted } from './canonical-values.js';
import type { PolicyStatement } from './types.js';

function mergeOn(statements: readonly PolicyStatement[], key: 'Action' | 'Resource'): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  const byRest = new Map<string, number>();
  for (const s of statements) {
    if (s.Sid !== undefined || s[key] === undefined) {
      out.push(s);
      continue;
    }
    const { [key]: _omit, ...rest } = s;
    const signature = JSON.stringify(rest);
    const at = byRest.get(signature);
    const existing = at === undefined ? undefined : out[at];
    if (existing === undefined) {
      byRest.set(signature, out.length);
      out.push(s);
      continue;
    }
    const merged = uniqueSorted([...asList(existing[key]), ...asList(s[key])], key === 'Action');
    out[at as number] = rebuild(existing, key, scalarIfSingle(merged));
  }
  return out;
}

/** Replace one key while keeping the canonical key order. */
function rebuild(s: PolicyStatement, key: 'Action' | 'Resource', value: string | string[]): PolicyStatement {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) out[k] = k === key ? value : v;
  return out as unknown as PolicyStatement;
}

/**
 * Merge statements that differ only in their actions, then those that differ only in their
 * resources. Order follows the first statement of each group; the result allows exactly the same.
 *
 * @example
 * ```ts
 * mergeCompatibleStatements([
 *   { Effect: 'Allow', Action: 'ec2:DescribeImages', Resource: '*' },
 *   { Effect: 'Allow', Action: 'ec2:DescribeInstanceTypes', Resource: '*' },
 * ]);
 * // [{ Effect: 'Allow', Action: ['ec2:DescribeImages', 'ec2:DescribeInstanceTypes'], Resource: '*' }]
 * ```
 */
export function mergeCompatibleStatements(statements: readonly PolicyStatement[]): PolicyStatement[] {
  return mergeOn(mergeOn(statements, 'Action'), 'Resource');
}
