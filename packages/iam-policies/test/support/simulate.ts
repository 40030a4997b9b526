/**
 * Offline evaluation of generated documents with @cloud-copilot/iam-simulate (AGPL-3.0: a
 * devDependency used by tests only, never imported by src/).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../../src/index.js';

export const ACCOUNT = '123456789012';

/** The decision IAM would make: 'Allowed', 'ExplicitlyDenied' or 'ImplicitlyDenied'. */
export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

async function run(simulation: Record<string, unknown>): Promise<Decision> {
  const response = await runSimulation(
    { identityPolicies: [], serviceControlPolicies: [], resourceControlPolicies: [], ...simulation } as never,
    {},
  );
  if (response.resultType === 'error')
    throw new Error(`simulation error: ${JSON.stringify(response.errors)}`);
  return response.overallResult as Decision;
}

/** May a role with this identity policy call `action` on `resource`? */
export function evaluateIdentity(
  policy: PolicyDocument,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
): Promise<Decision> {
  return run({
    identityPolicies: [{ name: 'policy', policy }],
    request: {
      action,
      principal: `arn:aws:iam::${ACCOUNT}:role/subject`,
      resource: { accountId: ACCOUNT, resource },
      contextVariables: context,
    },
  });
}

/** May `principal` (a role ARN or a service principal) call `action` on the role with this trust policy? */
export function evaluateTrust(
  trust: PolicyDocument,
  principal: string,
  action = 'sts:AssumeRole',
  context: Record<string, string | string[]> = {},
): Promise<Decision> {
  return run({
    resourcePolicy: trust,
    request: {
      action,
      principal,
      resource: { accountId: ACCOUNT, resource: `arn:aws:iam::${ACCOUNT}:role/target` },
      contextVariables: context,
    },
  });
}
