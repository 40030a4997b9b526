/**
 * The function's read-only policy, generated with iam-policies from what the stack's checks read.
 */
import { type PolicyDocument, policyDocument, statement } from '@eks-kit/iam-policies';
import { checkPermissions, type PermissionScope, type Stack } from '@eks-kit/stack';

/**
 * The identity policy the checks of `stack` need: read and list actions only, scoped to the stack's
 * resources where the service allows it (canonical output of iam-policies' `policyDocument`).
 * Runtime needs that are not checks (logs, the SNS notice, assuming roles, the stack parameter)
 * are granted by the deploy template beside it.
 *
 * @example
 * ```ts
 * const doc = checksExecutionPolicy(stack, { accountId: '111111111111' });
 * doc.Statement.map((s) => s.Sid); // ['CertificatesList', 'CertificatesRead', ...]
 * ```
 */
export function checksExecutionPolicy(stack: Stack, scope: PermissionScope = {}): PolicyDocument {
  const permissions = checkPermissions(stack, scope).filter(
    (p) => p.actions.length > 0 && p.resources.length > 0,
  );
  if (permissions.length === 0) {
    // A stack with nothing to check still gets a valid document: read the caller's own identity.
    return policyDocument(
      [statement({ sid: 'Identity', actions: ['sts:GetCallerIdentity'], resources: '*' })],
      {
        kind: 'identity',
      },
    );
  }
  return policyDocument(
    permissions.map((p) => statement({ sid: p.sid, actions: p.actions, resources: p.resources })),
    { kind: 'identity' },
  );
}
