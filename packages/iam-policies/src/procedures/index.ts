export { callerAccount, describeTrustPolicySizeQuota, iamArn } from './aws-context.js';
export { type CheckRoleGrantsInput, type CheckRoleInput, checkRole, checkRoleGrants } from './check-role.js';
export {
  type DeleteManagedPolicySpec,
  type DeleteRoleSpec,
  deleteManagedPolicy,
  deleteRole,
} from './delete-role.js';
export {
  type EnsureManagedPolicyResult,
  ensureManagedPolicy,
  MAX_POLICY_VERSIONS,
  type ManagedPolicySpec,
  oldestNonDefaultVersion,
} from './ensure-managed-policy.js';
export { type EnsureRoleOptions, type EnsureRoleResult, ensureRole } from './ensure-role.js';
export {
  blockedByOidcProvider,
  findOidcProvider,
  type OidcProviderLookup,
  type OidcProviderOwner,
  oidcProviderHint,
  oidcProviderMissingError,
  oidcProviderMissingFinding,
  oidcProviderMissingMessage,
} from './oidc-provider.js';
export type { PlannedStep } from './plan-role.js';
export {
  isInvalidPrincipalError,
  type PropagationRetry,
  retryWhilePrincipalPropagates,
} from './propagation.js';
export {
  findInlinePolicy,
  findRole,
  getInlinePolicy,
  getRole,
  type RoleState,
  readRole,
} from './read-role.js';
export {
  type RoleSpec,
  STACK_TAG_KEY,
  validateDescription,
  validatePolicyArn,
  validateRoleSpec,
} from './role-input.js';
export {
  type FindRolesOfStackOptions,
  findRolesOfStack,
  PER_ROLE_TAG_READS_MAX,
  ROLE_LISTING_PAGE_SIZE,
  type RoleScan,
  type RoleTagSource,
  scanRolesOfStack,
} from './roles-of-stack.js';
