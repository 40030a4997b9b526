/**
 * Every name the stack derives for what it creates (IAM roles and their inline policies, ECR
 * repositories, Helm releases, Kubernetes service accounts), and the load-time rule over them:
 * a derived name is never truncated (a name past its limit is refused, naming the field that makes
 * it long) and no two names of one kind are equal (refused, naming the second field). A silent
 * truncation once made the autoscaler role and the GitLab build role the same role (issue 15).
 */
import { AUTOSCALER_POLICY_NAME } from '@eks-kit/asg-discovery';
import { InvalidInputError } from '@eks-kit/core';
import { RUNNER_POLICY_NAME } from '@eks-kit/ecr-credentials';
import type { Stack } from '../schema/stack-schema.js';
import { autoscalerRoleName, autoscalerServiceAccount, runnerRoleName } from './names.js';

/** Kinds of derived names, with the limit of each (AWS and Kubernetes API references). */
export const DERIVED_NAME_LIMITS = {
  /** IAM role names: 64 characters, unique in the account ignoring case. */
  'iam-role': 64,
  /** IAM inline policy names: 128 characters, unique per role. */
  'iam-inline-policy': 128,
  /** ECR repository names: 256 characters. */
  'ecr-repository': 256,
  /** Helm release names: 53 characters, unique per namespace. */
  'helm-release': 53,
  /** Kubernetes service account names: 253 characters, unique per namespace. */
  'service-account': 253,
} as const;

/** One kind of derived name. */
export type DerivedNameKind = keyof typeof DERIVED_NAME_LIMITS;

/** A name the stack creates or relies on. */
export interface DerivedName {
  kind: DerivedNameKind;
  /** The name as created: `role/policy` for inline policies, `namespace/name` for Kubernetes objects. */
  name: string;
  /** The part checked against the kind's limit (the bare name). */
  bare: string;
  /** The stack field that sets it (or the field it is derived from when the file leaves it out). */
  field: string;
  /** Uniqueness key: IAM folds case, the others compare exactly. */
  key: string;
  /** For a default derived from the stack name: the optional field that names it instead. */
  optionalField?: string;
}

const KIND_WORDS: Record<DerivedNameKind, string> = {
  'iam-role': 'an IAM role name',
  'iam-inline-policy': 'an inline policy name',
  'ecr-repository': 'an ECR repository name',
  'helm-release': 'a Helm release name',
  'service-account': 'a service account name',
};

const ROLE_SUFFIXES = { autoscaler: '-cluster-autoscaler', runner: '-gitlab-build' } as const;
/**
 * The checks Lambda's default function and role name (apps/checks-lambda's deploy template; the app
 * depends on this package, not the reverse, so the rule is repeated here and tested there).
 */
export const CHECKS_LAMBDA_ROLE_PREFIX = 'eks-kit-checks-';
const METRICS_SERVER = {
  namespace: 'kube-system',
  release: 'metrics-server',
  serviceAccount: 'metrics-server',
};

function entry(
  kind: DerivedNameKind,
  name: string,
  bare: string,
  field: string,
  optionalField?: string,
): DerivedName {
  const folded = kind === 'iam-role' || kind === 'iam-inline-policy' ? name.toLowerCase() : name;
  return { kind, name, bare, field, key: `${kind}:${folded}`, ...(optionalField ? { optionalField } : {}) };
}

/**
 * Every name the stack derives, in a fixed order (the checks Lambda's default role, then file order:
 * autoscaler, metrics-server, repositories, gitlab).
 *
 * @example
 * ```ts
 * derivedNames(stack).filter((n) => n.kind === 'iam-role').map((n) => n.name);
 * // ['eks-kit-checks-seed', 'seed-cluster-autoscaler', 'seed-gitlab-build']
 * ```
 */
export function derivedNames(stack: Stack): DerivedName[] {
  const out: DerivedName[] = [];
  // First, so that a role of the file that takes its name is the one refused. Its length is the
  // template's to check (it refuses a name past 64 naming functionName, and functionName overrides it).
  const checksRole = `${CHECKS_LAMBDA_ROLE_PREFIX}${stack.name}`;
  if (checksRole.length <= DERIVED_NAME_LIMITS['iam-role'])
    out.push(entry('iam-role', checksRole, checksRole, 'the checks Lambda (its default role name)'));
  const a = stack.autoscaler;
  if (a) {
    const role = autoscalerRoleName(stack);
    const roleField = a.roleName !== undefined ? 'autoscaler.roleName' : 'name';
    const unset = a.roleName === undefined ? 'autoscaler.roleName' : undefined;
    out.push(entry('iam-role', role, role, roleField, unset));
    out.push(
      entry('iam-inline-policy', `${role}/${AUTOSCALER_POLICY_NAME}`, AUTOSCALER_POLICY_NAME, roleField),
    );
    out.push(entry('helm-release', `${a.namespace}/${a.release}`, a.release, 'autoscaler.release'));
    const account = autoscalerServiceAccount(stack);
    out.push(
      entry(
        'service-account',
        `${a.namespace}/${account}`,
        account,
        a.serviceAccount !== undefined ? 'autoscaler.serviceAccount' : 'autoscaler.release',
      ),
    );
  }
  if (stack.metricsServer && stack.metricsServer.enabled !== false) {
    const m = METRICS_SERVER;
    out.push(entry('helm-release', `${m.namespace}/${m.release}`, m.release, 'metricsServer'));
    out.push(
      entry('service-account', `${m.namespace}/${m.serviceAccount}`, m.serviceAccount, 'metricsServer'),
    );
  }
  stack.repositories.forEach((repo, i) => {
    out.push(entry('ecr-repository', repo.name, repo.name, `repositories[${i}].name`));
    if (repo.cache)
      out.push(
        entry('ecr-repository', `${repo.name}/cache`, `${repo.name}/cache`, `repositories[${i}].cache`),
      );
  });
  const g = stack.gitlab;
  if (g) {
    const role = runnerRoleName(stack);
    const roleField = g.runner.roleName !== undefined ? 'gitlab.runner.roleName' : 'name';
    const unset = g.runner.roleName === undefined ? 'gitlab.runner.roleName' : undefined;
    out.push(entry('iam-role', role, role, roleField, unset));
    out.push(entry('iam-inline-policy', `${role}/${RUNNER_POLICY_NAME}`, RUNNER_POLICY_NAME, roleField));
    out.push(
      entry(
        'service-account',
        `${g.runner.namespace}/${g.runner.serviceAccount}`,
        g.runner.serviceAccount,
        'gitlab.runner.serviceAccount',
      ),
    );
  }
  return out;
}

/**
 * Refuse a stack whose derived names exceed their limit or collide (one line naming the field; the
 * loader adds `file:line`). Run at load time by {@link validateStack}, before any AWS call.
 *
 * @example
 * ```ts
 * validateDerivedNames(stackNamed('a'.repeat(50))); // throws: name: expected a stack name of at most 45 characters ...
 * ```
 */
export function validateDerivedNames(stack: Stack): void {
  const names = derivedNames(stack);
  for (const n of names) {
    const limit = DERIVED_NAME_LIMITS[n.kind];
    if (n.bare.length <= limit) continue;
    const setInstead = n.optionalField;
    if (setInstead) {
      const suffix = setInstead === 'autoscaler.roleName' ? ROLE_SUFFIXES.autoscaler : ROLE_SUFFIXES.runner;
      throw new InvalidInputError(
        'name',
        stack.name,
        `a stack name of at most ${limit - suffix.length} characters while ${setInstead} is unset (the role name ${n.bare} would have ${n.bare.length} > ${limit} characters; eks-kit never truncates names)`,
        { hint: `shorten name, or set ${setInstead}` },
      );
    }
    if (n.kind === 'ecr-repository' && n.field.endsWith('.cache')) {
      const nameField = n.field.replace(/\.cache$/, '.name');
      throw new InvalidInputError(
        nameField,
        n.bare.slice(0, -'/cache'.length),
        `a repository name of at most ${limit - '/cache'.length} characters with cache: true (its cache repository ${n.bare.length} > ${limit} characters; eks-kit never truncates names)`,
        { hint: 'shorten the repository name, or set cache: false' },
      );
    }
    throw new InvalidInputError(n.field, n.bare, `${KIND_WORDS[n.kind]} of at most ${limit} characters`);
  }
  const seen = new Map<string, DerivedName>();
  for (const n of names) {
    const first = seen.get(n.key);
    if (!first) {
      seen.set(n.key, n);
      continue;
    }
    const setInstead = n.optionalField;
    throw new InvalidInputError(
      setInstead ?? n.field,
      n.name,
      `${KIND_WORDS[n.kind]} distinct from the one of ${first.field} (${first.name}${n.kind.startsWith('iam') ? ', IAM names ignore case' : ''}): two parts of the stack would share it`,
      { hint: `give one of ${first.field} and ${setInstead ?? n.field} another name` },
    );
  }
}

/**
 * Deprecated name of {@link validateDerivedNames} (`check*` returns findings; this throws on invalid input, like every `validate*`); the same function. Kept for one minor version.
 *
 * @deprecated Use {@link validateDerivedNames}.
 * @example
 * ```ts
 * validateDerivedNames(...args); // instead of checkDerivedNames(...args)
 * ```
 */
export const checkDerivedNames: typeof validateDerivedNames = validateDerivedNames;
