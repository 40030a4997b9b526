/**
 * The typed statement builder.
 */
import { InvalidInputError } from '@eks-kit/core';
import { canonicalStatement } from './canonical-statement.js';
import type { PolicyStatement, PrincipalsInput, StatementInput } from './types.js';

function principalBlock(principals: PrincipalsInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(principals)) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * Build one canonical policy statement from typed input (`effect` defaults to `Allow`).
 * Throws {@link InvalidInputError} naming the field (`statement.Action[0]`) on a structural error;
 * the kind rules (principals, trust actions, wildcards) are checked by `policyDocument` and
 * `validatePolicy`.
 *
 * @example
 * ```ts
 * statement({
 *   sid: 'SetCapacity',
 *   actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
 *   resources: '*',
 *   conditions: { StringEquals: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true' } },
 * });
 * ```
 */
export function statement(input: StatementInput): PolicyStatement {
  if (typeof input !== 'object' || input === null)
    throw new InvalidInputError('statement', input, 'a statement input object');
  const raw: Record<string, unknown> = { Effect: input.effect ?? 'Allow' };
  if (input.sid !== undefined) raw.Sid = input.sid;
  if (input.principals !== undefined) raw.Principal = principalBlock(input.principals);
  if (input.notPrincipals !== undefined) raw.NotPrincipal = principalBlock(input.notPrincipals);
  if (input.actions !== undefined) raw.Action = input.actions;
  if (input.notActions !== undefined) raw.NotAction = input.notActions;
  if (input.resources !== undefined) raw.Resource = input.resources;
  if (input.notResources !== undefined) raw.NotResource = input.notResources;
  if (input.conditions !== undefined) raw.Condition = input.conditions;
  return canonicalStatement(raw, 'statement');
}
