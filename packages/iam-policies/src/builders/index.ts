export { type ActionLookup, loadActionCatalog, lookupAction, lookupActionSync } from './action-catalog.js';
export {
  actionNameValidationEnabled,
  turnOffActionNameValidationInProcess,
  withoutActionNameValidation,
} from './action-name-validation.js';
export { canonicalCondition, canonicalPrincipal, canonicalStatement } from './canonical-statement.js';
export { asList, scalarIfSingle } from './canonical-values.js';
export {
  decodePolicyDocument,
  diffCurrentPolicy,
  diffPolicies,
  type PolicyDiff,
  type PolicyInput,
  policiesEqual,
  policyForDisplay,
} from './compare.js';
export { CONDITION_OPERATORS, isConditionOperator } from './condition-operators.js';
export { type PolicyDocumentOptions, policyDocument, policyJson } from './document.js';
export { checkStatementKindRules, TRUST_POLICY_ACTIONS, validateStatementKindRules } from './kind-rules.js';
export { mergeCompatibleStatements } from './merge-statements.js';
export { validateIamPath, validatePolicyName, validateRoleName } from './names.js';
export { overBroadGrants } from './over-broad.js';
export { POLICY_SIZE_LIMITS, policySize, validateInlinePolicies } from './sizes.js';
export { statement } from './statement.js';
export {
  type IrsaProvider,
  type IrsaServiceAccount,
  type IrsaTrustInput,
  irsaTrustPolicy,
  kiamTrustPolicy,
  kube2iamTrustPolicy,
  oidcProviderArnFromIssuer,
  type PodIdentityTrustInput,
  podIdentityTrustPolicy,
  servicePrincipalTrustPolicy,
} from './trust.js';
export type {
  BaseConditionOperator,
  ConditionOperator,
  ConditionSetPrefix,
  ConditionsInput,
  ConditionValue,
  LoosePolicyDocument,
  PolicyCondition,
  PolicyDocument,
  PolicyKind,
  PolicyPrincipal,
  PolicyStatement,
  PrincipalsInput,
  StatementInput,
  StringOrList,
} from './types.js';
export { type ValidatePolicyOptions, validatePolicy, validatePolicySync } from './validate-policy.js';
