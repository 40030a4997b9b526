/**
 * Types of IAM policy documents: the typed input of {@link statement} and the canonical plain
 * objects that {@link policyDocument} returns.
 */

/** The three kinds of policy eks-kit writes, each with its own principal and action rules. */
export type PolicyKind = 'identity' | 'trust' | 'resource';

/** Condition operators without a prefix or the `IfExists` suffix (IAM JSON reference, "Condition operators"). */
export type BaseConditionOperator =
  | 'StringEquals'
  | 'StringNotEquals'
  | 'StringEqualsIgnoreCase'
  | 'StringNotEqualsIgnoreCase'
  | 'StringLike'
  | 'StringNotLike'
  | 'NumericEquals'
  | 'NumericNotEquals'
  | 'NumericLessThan'
  | 'NumericLessThanEquals'
  | 'NumericGreaterThan'
  | 'NumericGreaterThanEquals'
  | 'DateEquals'
  | 'DateNotEquals'
  | 'DateLessThan'
  | 'DateLessThanEquals'
  | 'DateGreaterThan'
  | 'DateGreaterThanEquals'
  | 'Bool'
  | 'BinaryEquals'
  | 'IpAddress'
  | 'NotIpAddress'
  | 'ArnEquals'
  | 'ArnLike'
  | 'ArnNotEquals'
  | 'ArnNotLike';

/** Set operators that prefix a condition operator for multivalued keys. */
export type ConditionSetPrefix = 'ForAnyValue:' | 'ForAllValues:';

/**
 * Every condition operator IAM accepts: `[ForAnyValue:|ForAllValues:]<operator>[IfExists]`, and `Null`
 * (which takes no `IfExists`).
 */
export type ConditionOperator =
  | `${'' | ConditionSetPrefix}${BaseConditionOperator}${'' | 'IfExists'}`
  | `${'' | ConditionSetPrefix}Null`;

/** A condition value as a user may write it; canonical documents hold strings only. */
export type ConditionValue = string | number | boolean;

/** Condition block input: operator -> condition key -> value or values. */
export type ConditionsInput = Partial<
  Record<ConditionOperator, Record<string, ConditionValue | readonly ConditionValue[]>>
>;

/** Principals input. `*` (anyone) is refused by validation: name the principals. */
export interface PrincipalsInput {
  AWS?: string | readonly string[];
  Service?: string | readonly string[];
  Federated?: string | readonly string[];
  CanonicalUser?: string | readonly string[];
}

/** Input of {@link statement}. Lists may be given as a single string. */
export interface StatementInput {
  sid?: string;
  /** Default `Allow`. */
  effect?: 'Allow' | 'Deny';
  actions?: string | readonly string[];
  notActions?: string | readonly string[];
  resources?: string | readonly string[];
  notResources?: string | readonly string[];
  principals?: PrincipalsInput;
  notPrincipals?: PrincipalsInput;
  conditions?: ConditionsInput;
}

/** A value IAM accepts either as one string or a list of strings. */
export type StringOrList = string | string[];

/** Principal block of a canonical statement. */
export type PolicyPrincipal =
  | '*'
  | Partial<Record<'AWS' | 'Service' | 'Federated' | 'CanonicalUser', StringOrList>>;

/** Condition block of a canonical statement: operator -> key -> string(s). */
export type PolicyCondition = Record<string, Record<string, StringOrList>>;

/** One statement of a canonical policy document (keys in IAM's usual order). */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: PolicyPrincipal;
  NotPrincipal?: PolicyPrincipal;
  Action?: StringOrList;
  NotAction?: StringOrList;
  Resource?: StringOrList;
  NotResource?: StringOrList;
  Condition?: PolicyCondition;
}

/** A canonical IAM policy document, a plain JSON-ready object. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Id?: string;
  Statement: PolicyStatement[];
}

/**
 * A policy document as read back from AWS or a file: `Statement` may be one object, `Version` may be
 * missing or old, values may be booleans or numbers.
 */
export interface LoosePolicyDocument {
  Version?: string;
  Id?: string;
  Statement?: unknown;
  [key: string]: unknown;
}
