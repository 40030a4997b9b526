/**
 * What a repository policy grants beyond an eks-kit stack's own. A stack file sets no repository
 * policy, so its own grants on a repository are none: its roles reach ECR through their identity
 * policies. In the same account either policy allowing an action is enough, and an account id (or
 * its `:root`) as principal means every IAM user and role of that account, not the root user
 * (docs/AWS-FACTS.md#ecr-repository-policies; ECR User Guide, "Private repository policies" and
 * "Private registry policy examples", collected 2026-12-07): so a hand-added statement that
 * allows anyone but the stack's own roles is a grant the stack file does not make.
 */
import { decodePolicyDocument, type PolicyInput } from '@eks-kit/iam-policies';
import { ecrActionsMatching } from './ecr-action-levels.js';

/** One statement of a repository policy that grants principals outside the stack something. */
export interface RepositoryPolicyGrant {
  /** `fail`: it lets others change the repository (or anyone in, or it cannot be reasoned about); `warn`: read only. */
  status: 'fail' | 'warn';
  /** The statement's index in the policy (0-based). */
  index: number;
  /** The statement's Sid, when it has one. */
  sid?: string;
  /** The principals outside the stack, as written (`arn:aws:iam::999999999999:root`, `service:codebuild.amazonaws.com`, `*`). */
  principals: string[];
  /** The actions it grants them, as written; a pattern carries the number of actions it covers. */
  actions: string[];
  /** Why, in a few words: `push, delete or change the repository`, `pull (read only)`, ... */
  reason: string;
}

/** Whose roles are the stack's own: the repository's account and the names of the stack's roles. */
export interface StackPrincipals {
  /** The account that holds the repository (and the stack's roles). */
  accountId: string;
  /** The names of the IAM roles the stack owns (the autoscaler's, the GitLab build role). */
  ownRoles: readonly string[];
}

const CONDITION_ARN_OPERATORS = new Set(['arnequals', 'arnlike', 'stringequals', 'stringlike']);

function list(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((v): v is string => typeof v === 'string');
}

/** A principal or Sid as it may be printed: at most 128 characters, no control characters. */
function printable(value: string): string {
  const clean = value.replace(/\p{Cc}/gu, '?');
  return clean.length > 128 ? `${clean.slice(0, 125)}...` : clean;
}

/** Is this AWS principal one of the stack's roles (its role ARN or a session of it)? */
function isOwnRole(principal: string, own: StackPrincipals): boolean {
  const m = /^arn:[\w-]+:(iam|sts)::(\d{12}):(role|assumed-role)\/(.+)$/.exec(principal);
  if (!m || m[2] !== own.accountId) return false;
  const rest = m[4] ?? '';
  const name = m[3] === 'role' ? rest.slice(rest.lastIndexOf('/') + 1) : rest.split('/')[0];
  return m[1] === (m[3] === 'role' ? 'iam' : 'sts') && own.ownRoles.includes(name ?? '');
}

/** Is this AWS principal the repository's own account (`123456789012` or `arn:...:root`)? */
function isOwnAccount(principal: string, own: StackPrincipals): boolean {
  return (
    principal === own.accountId || new RegExp(`^arn:[\\w-]+:iam::${own.accountId}:root$`).test(principal)
  );
}

/** The principals of a statement, `<type>:<value>` except AWS ones (as written); `*` for anyone. */
function principalsOf(principal: unknown): string[] {
  if (principal === '*') return ['*'];
  if (typeof principal !== 'object' || principal === null) return ['(no Principal)'];
  const out: string[] = [];
  for (const [type, values] of Object.entries(principal as Record<string, unknown>))
    for (const v of list(values)) out.push(type === 'AWS' ? v : `${type.toLowerCase()}:${v}`);
  return out;
}

/**
 * True when a condition pins the caller to the stack's roles: `aws:PrincipalArn` under ArnEquals,
 * ArnLike, StringEquals or StringLike (no IfExists, no ForAnyValue) with only own role ARNs.
 */
function pinnedToOwnRoles(condition: unknown, own: StackPrincipals): boolean {
  if (typeof condition !== 'object' || condition === null) return false;
  for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
    if (!CONDITION_ARN_OPERATORS.has(operator.toLowerCase())) continue;
    if (typeof block !== 'object' || block === null) continue;
    for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
      const arns = list(values);
      if (key.toLowerCase() === 'aws:principalarn' && arns.length > 0 && arns.every((a) => isOwnRole(a, own)))
        return true;
    }
  }
  return false;
}

/** The principals of an Allow statement outside the stack's own roles. */
function foreignPrincipals(s: Record<string, unknown>, own: StackPrincipals): string[] {
  const all = principalsOf(s.Principal);
  const pinned = pinnedToOwnRoles(s.Condition, own);
  return all.filter((p) => !isOwnRole(p, own) && !(pinned && isOwnAccount(p, own)));
}

/** The writes and reads a statement's actions grant on a repository, as written. */
function actionsOf(s: Record<string, unknown>): { writes: string[]; reads: string[] } {
  const writes: string[] = [];
  const reads: string[] = [];
  for (const action of list(s.Action)) {
    const match = ecrActionsMatching(action);
    const wild = /[*?]/.test(action);
    if (match.unknown) writes.push(`${action} (not in the service authorization reference)`);
    if (match.writes.length > 0)
      writes.push(wild ? `${action} (${match.writes.length} write actions)` : action);
    else if (match.reads.length > 0)
      reads.push(wild ? `${action} (${match.reads.length} read actions)` : action);
  }
  return { writes, reads };
}

/** The grant of one Allow statement to others, or undefined when it grants them nothing here. */
function statementGrant(
  s: Record<string, unknown>,
  index: number,
  own: StackPrincipals,
): RepositoryPolicyGrant | undefined {
  const head = { index, ...(typeof s.Sid === 'string' && s.Sid !== '' ? { sid: printable(s.Sid) } : {}) };
  const written = (value: unknown) => list(value).map(printable);
  if (s.NotPrincipal !== undefined)
    return {
      status: 'fail',
      ...head,
      principals: ['everyone but ' + written(principalsOf(s.NotPrincipal)).join(', ')],
      actions: written(s.Action ?? s.NotAction),
      reason: 'NotPrincipal with Allow: too broad to reason about',
    };
  const principals = foreignPrincipals(s, own).map(printable);
  if (principals.length === 0) return undefined;
  if (s.NotAction !== undefined)
    return {
      status: 'fail',
      ...head,
      principals,
      actions: written(s.NotAction).map((a) => `every action but ${a}`),
      reason: 'NotAction with Allow: too broad to reason about',
    };
  const { writes, reads } = actionsOf(s);
  const conditioned = s.Condition !== undefined && Object.keys(s.Condition as object).length > 0;
  if (writes.length > 0)
    return {
      status: 'fail',
      ...head,
      principals,
      actions: writes.map(printable),
      reason: 'push, delete or change the repository or its policy',
    };
  if (reads.length === 0) return undefined;
  if (principals.includes('*') && !conditioned)
    return {
      status: 'fail',
      ...head,
      principals,
      actions: reads.map(printable),
      reason: 'anyone (Principal "*") without a condition',
    };
  return { status: 'warn', ...head, principals, actions: reads.map(printable), reason: 'pull (read only)' };
}

/**
 * The statements of a repository policy that grant principals outside the stack's own roles
 * something on the repository, in policy order (empty when none). An Allow of a write action
 * (access level Write, Permissions management or Tagging in the service authorization reference:
 * push, delete, set the policy, lifecycle, tags...) to another account, a role or user the stack does
 * not own, a service, `*` or an account root is `fail`; so is an Allow with `NotPrincipal` or
 * `NotAction`, and `Principal: "*"` without a condition whatever the actions. An Allow of reads only
 * (a cross-account pull) is `warn`: the stack file has no field to declare pullers. Deny statements,
 * and Allows to the stack's own roles (by ARN, or an account principal with an `aws:PrincipalArn`
 * condition naming only them), are never reported. A condition (`aws:PrincipalOrgID`,
 * `aws:SourceAccount`) narrows who, not what: the statement is judged by its actions. Only the
 * principals, actions and Sid are returned, never condition values.
 *
 * @example
 * ```ts
 * repositoryPolicyGrants(
 *   { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'ecr:PutImage' }] },
 *   { accountId: '123456789012', ownRoles: ['seed-gitlab-runner-build'] },
 * );
 * // [{ status: 'fail', index: 0, principals: ['arn:aws:iam::999999999999:root'], actions: ['ecr:PutImage'], reason: 'push, delete or change the repository or its policy' }]
 * ```
 */
export function repositoryPolicyGrants(document: PolicyInput, own: StackPrincipals): RepositoryPolicyGrant[] {
  const grants: RepositoryPolicyGrant[] = [];
  decodePolicyDocument(document).Statement.forEach((raw, index) => {
    if (!raw || typeof raw !== 'object') return;
    const s = raw as Record<string, unknown>;
    if (s.Effect !== 'Allow') return;
    const grant = statementGrant(s, index, own);
    if (grant) grants.push(grant);
  });
  return grants;
}
