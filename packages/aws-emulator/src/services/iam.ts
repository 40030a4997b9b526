/**
 * IAM (awsQuery 2010-05-08, signed for us-east-1): roles, inline and managed policies with
 * versions, attachments, permissions boundaries, tags, OIDC providers, account summary, and
 * SimulatePrincipalPolicy for roles (iam/simulate.ts), GetAccountAuthorizationDetails (iam/authorization-details.ts).
 * Behaviour: `iamPropagationSeconds` (default 8) during which a new role is an invalid principal;
 * quotas `iamAssumeRolePolicySizeQuota` (2048), `iamRolePolicySizeQuota` (10240),
 * `iamPolicySizeQuota` (6144), `iamAttachedPoliciesPerRoleQuota` (10).
 */
import { defineService } from '../framework/service.js';
import { authorizationDetailsOperations } from './iam/authorization-details.js';
import { oidcOperations } from './iam/oidc.js';
import { policyOperations } from './iam/policies.js';
import { roleOperations } from './iam/roles.js';
import { simulateOperations } from './iam/simulate.js';
import { createIamState, type IamState } from './iam/state.js';

/** The IAM module. */
export const iam = defineService<IamState>({
  signingName: 'iam',
  protocol: { kind: 'query', version: '2010-05-08', xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/' },
  createState: createIamState,
  behaviourDefaults: {
    iamPropagationSeconds: 8,
    iamAssumeRolePolicySizeQuota: 2048,
    iamRolePolicySizeQuota: 10_240,
    iamPolicySizeQuota: 6144,
    iamAttachedPoliciesPerRoleQuota: 10,
  },
  operations: {
    ...roleOperations,
    ...policyOperations,
    ...oidcOperations,
    ...simulateOperations,
    ...authorizationDetailsOperations,
  },
});
