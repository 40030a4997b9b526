/**
 * IAM name and path rules (docs/AWS-FACTS.md#iam-names-and-size-limits; IAM API reference CreateRole/CreatePolicy).
 */
import { InvalidInputError } from '@eks-kit/core';

const NAME_CHARS = /^[\w+=,.@-]+$/;

/**
 * Check a role name: 1-64 characters of letters, digits and `_+=,.@-`.
 *
 * @example
 * ```ts
 * validateRoleName('cluster-autoscaler', 'role.name'); // 'cluster-autoscaler'
 * validateRoleName('ca role', 'role.name');            // throws InvalidInputError
 * ```
 */
export function validateRoleName(value: unknown, field = 'name'): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 64 || !NAME_CHARS.test(value)) {
    throw new InvalidInputError(field, value, 'a role name of 1-64 letters, digits or _+=,.@-');
  }
  return value;
}

/**
 * Check a policy name (inline or managed): 1-128 characters of letters, digits and `_+=,.@-`.
 *
 * @example
 * ```ts
 * validatePolicyName('ecr-push', 'inlinePolicies'); // 'ecr-push'
 * ```
 */
export function validatePolicyName(value: unknown, field = 'policyName'): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 128 || !NAME_CHARS.test(value)) {
    throw new InvalidInputError(field, value, 'a policy name of 1-128 letters, digits or _+=,.@-');
  }
  return value;
}

/**
 * Check an IAM path: `/` or `/segment/.../`, 1-512 printable ASCII characters, starting and ending
 * with `/`, no `//`.
 *
 * @example
 * ```ts
 * validateIamPath('/eks-kit/', 'path'); // '/eks-kit/'
 * validateIamPath('eks-kit', 'path');   // throws InvalidInputError
 * ```
 */
export function validateIamPath(value: unknown, field = 'path'): string {
  if (
    typeof value !== 'string' ||
    value.length < 1 ||
    value.length > 512 ||
    !/^(?:\/|\/[\u0021-\u007E]+\/)$/.test(value) ||
    value.includes('//')
  ) {
    throw new InvalidInputError(
      field,
      value,
      'an IAM path such as / or /eks-kit/ (1-512 characters, starting and ending with /)',
    );
  }
  return value;
}
