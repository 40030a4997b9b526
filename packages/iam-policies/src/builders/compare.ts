/**
 * Semantic comparison of policy documents: two documents are equal exactly when IAM evaluates them
 * the same way (plus the labels IAM stores with them, see below). Malformed documents are refused
 * with an {@link InvalidInputError} naming the field, never compared loosely.
 *
 * Normalisation (IAM JSON policy reference; hashicorp/awspolicyequivalence, docs/AWS-FACTS.md#iam-policy-equivalence):
 * - a string equals a one-element list; duplicates are ignored; the order of statements, actions,
 *   resources, principals and condition values is irrelevant (they are sets);
 * - action names are case-insensitive (`S3:GetObject` = `s3:getobject`); resources and principals
 *   are case-sensitive;
 * - condition operators are case-sensitive (`StringEquals`), condition keys case-insensitive
 *   (`aws:SourceAccount` = `AWS:sourceaccount`), condition values are compared as strings
 *   (`true` = `"true"`, `10` = `"10"`), case-insensitively under `String*IgnoreCase` only;
 *   an empty `Condition: {}` equals no condition;
 * - `"Principal": "*"` equals `{"AWS": "*"}`; a 12-digit account equals `arn:aws:iam::<id>:root`;
 * - `Version` is compared (a missing Version is IAM's default `2008-10-17`, under which policy
 *   variables are not expanded, so it changes evaluation); `Id` and `Sid` are compared too: IAM does
 *   not evaluate them, but it stores and returns them, so a compare that ignored them would make apply
 *   leave a label the stack no longer has (and could never restore one).
 *
 * Refused as malformed (own keys only, `__proto__` is an unknown key like any other): a document that
 * is not an object, unknown document/statement/principal keys, a non-string Version/Id/Sid, a
 * statement that is not an object, an Effect other than Allow/Deny, both or neither of
 * Action/NotAction, both Resource and NotResource, both Principal and NotPrincipal, empty lists,
 * non-string actions/resources/principals, a Condition that is not a map of known operators to
 * non-empty maps of `prefix:key` to scalar values, and two condition keys equal but for case.
 *
 * Accepts objects, JSON strings, or the RFC 3986 URL-encoded JSON that GetRole, GetRolePolicy and
 * GetPolicyVersion return (SDK v3 does not decode it, aws-sdk-js-v3#1945).
 */
import { InvalidInputError } from '@eks-kit/core';
import { compareStrings } from './canonical-values.js';
import { isConditionOperator } from './condition-operators.js';
import type { LoosePolicyDocument, PolicyDocument } from './types.js';

/** A policy in any form eks-kit reads: object, JSON string or URL-encoded JSON string. */
export type PolicyInput = PolicyDocument | LoosePolicyDocument | string;

const DOCUMENT_KEYS: ReadonlySet<string> = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS: ReadonlySet<string> = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const PRINCIPAL_TYPES: ReadonlySet<string> = new Set(['AWS', 'CanonicalUser', 'Federated', 'Service']);
const VERSIONS: ReadonlySet<string> = new Set(['2012-10-17', '2008-10-17']);
const ACTION = /^(?:\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$/;
const CONDITION_KEY = /^[^\s:]+:\S+$/;

function isObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An own property only: inherited values (a polluted prototype) are never read. */
function own(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function parse(input: PolicyInput, field: string): unknown {
  if (typeof input !== 'string') return input;
  let text = input.trim();
  if (!text.startsWith('{')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      throw new InvalidInputError(field, input, 'policy JSON or URL-encoded policy JSON');
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInputError(field, input, 'policy JSON or URL-encoded policy JSON');
  }
}

/**
 * Parse a policy from JSON or IAM's URL-encoded JSON; `Statement` is always returned as a list.
 * Only checks that the input is a JSON object (use {@link policiesEqual} or {@link diffPolicies}
 * for the full structural check).
 *
 * @example
 * ```ts
 * decodePolicyDocument('%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D');
 * // { Version: '2012-10-17', Statement: [] }
 * ```
 */
export function decodePolicyDocument(
  input: PolicyInput,
  field = 'policy',
): LoosePolicyDocument & { Statement: unknown[] } {
  const value = parse(input, field);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidInputError(field, value, 'a policy document object');
  const doc = value as LoosePolicyDocument;
  const raw = own(doc, 'Statement');
  const statements = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return { ...doc, Statement: statements };
}

/**
 * A policy as a plan shows it as `before`: the decoded object, or the raw text when it is not even
 * JSON. Never throws (a malformed document read from AWS is drift to show, not a crash).
 *
 * @example
 * ```ts
 * policyForDisplay('{"Version":"2012-10-17","Statement":[]}'); // { Version: '2012-10-17', Statement: [] }
 * policyForDisplay('%E0%A4%A'); // '%E0%A4%A'
 * ```
 */
export function policyForDisplay(input: PolicyInput): unknown {
  try {
    return decodePolicyDocument(input);
  } catch {
    return input;
  }
}

function stringList(value: unknown, field: string, allowEmptyString = false): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new InvalidInputError(field, value, 'a string or a non-empty list of strings');
  return list.map((item, index) => {
    const at = Array.isArray(value) ? `${field}[${index}]` : field;
    if (typeof item !== 'string' || (!allowEmptyString && item === ''))
      throw new InvalidInputError(at, item, 'a non-empty string');
    return item;
  });
}

function set(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareStrings);
}

type Pairs = [string, string[]][];

function canonicalPrincipalSet(value: unknown, field: string): Pairs {
  if (value === '*') return [['AWS', ['*']]];
  if (!isObject(value) || Object.keys(value).length === 0)
    throw new InvalidInputError(
      field,
      value,
      '"*" or a principal map such as { "Service": "ec2.amazonaws.com" }',
    );
  const out: Pairs = [];
  for (const key of Object.keys(value).sort(compareStrings)) {
    if (!PRINCIPAL_TYPES.has(key))
      throw new InvalidInputError(
        `${field}.${key}`,
        key,
        'a principal type: AWS, CanonicalUser, Federated, Service',
      );
    let list = stringList(value[key], `${field}.${key}`);
    if (key === 'AWS') list = list.map((p) => (/^\d{12}$/.test(p) ? `arn:aws:iam::${p}:root` : p));
    out.push([key, set(list)]);
  }
  return out;
}

function conditionValue(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new InvalidInputError(field, value, 'a string, number or boolean condition value');
}

function canonicalConditionSet(value: unknown, field: string): [string, Pairs][] | null {
  if (!isObject(value))
    throw new InvalidInputError(field, value, 'a condition map { operator: { key: value } }');
  const out: [string, Pairs][] = [];
  for (const operator of Object.keys(value).sort(compareStrings)) {
    const opField = `${field}.${operator}`;
    if (!isConditionOperator(operator))
      throw new InvalidInputError(
        opField,
        operator,
        'a condition operator such as StringEquals (case-sensitive)',
      );
    const block = value[operator];
    if (!isObject(block) || Object.keys(block).length === 0)
      throw new InvalidInputError(opField, block, 'a non-empty map of condition keys to values');
    const ignoreCase = /IgnoreCase(?:IfExists)?$/.test(operator);
    const keys = new Map<string, string[]>();
    for (const key of Object.keys(block)) {
      const keyField = `${opField}.${key}`;
      if (!CONDITION_KEY.test(key))
        throw new InvalidInputError(keyField, key, 'a condition key such as aws:SourceAccount');
      const lower = key.toLowerCase();
      if (keys.has(lower))
        throw new InvalidInputError(keyField, key, 'condition keys that differ in more than case');
      const raw = block[key];
      const list = Array.isArray(raw) ? raw : [raw];
      if (list.length === 0) throw new InvalidInputError(keyField, raw, 'at least one condition value');
      const values = list.map((item, index) =>
        conditionValue(item, Array.isArray(raw) ? `${keyField}[${index}]` : keyField),
      );
      keys.set(lower, set(ignoreCase ? values.map((v) => v.toLowerCase()) : values));
    }
    out.push([operator, [...keys.entries()].sort((a, b) => compareStrings(a[0], b[0]))]);
  }
  return out.length === 0 ? null : out;
}

/** A statement reduced to a string that is equal exactly for semantically equal statements. */
function statementSignature(raw: unknown, field: string): string {
  if (!isObject(raw)) throw new InvalidInputError(field, raw, 'a statement object');
  for (const key of Object.keys(raw)) {
    if (!STATEMENT_KEYS.has(key))
      throw new InvalidInputError(
        `${field}.${key}`,
        key,
        'a statement key: Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition',
      );
  }
  const get = (key: string): unknown => own(raw, key);
  const sid = get('Sid');
  if (sid !== undefined && typeof sid !== 'string')
    throw new InvalidInputError(`${field}.Sid`, sid, 'a string Sid');
  const effect = get('Effect');
  if (effect !== 'Allow' && effect !== 'Deny')
    throw new InvalidInputError(`${field}.Effect`, effect, 'Allow or Deny');
  const pick = (positive: string, negative: string, required: boolean): [string, unknown] | null => {
    const p = get(positive);
    const n = get(negative);
    if (p !== undefined && n !== undefined)
      throw new InvalidInputError(`${field}.${negative}`, n, `either ${positive} or ${negative}, not both`);
    if (p !== undefined) return [positive, p];
    if (n !== undefined) return [negative, n];
    if (required)
      throw new InvalidInputError(`${field}.${positive}`, undefined, `an ${positive} or ${negative} list`);
    return null;
  };
  const principal = pick('Principal', 'NotPrincipal', false);
  const action = pick('Action', 'NotAction', true) as [string, unknown];
  const resource = pick('Resource', 'NotResource', false);
  const actions = stringList(action[1], `${field}.${action[0]}`).map((a, index) => {
    if (!ACTION.test(a))
      throw new InvalidInputError(
        Array.isArray(action[1]) ? `${field}.${action[0]}[${index}]` : `${field}.${action[0]}`,
        a,
        'an action such as ec2:DescribeInstances (service:Action, wildcards * and ? allowed)',
      );
    return a.toLowerCase();
  });
  const condition = get('Condition');
  return JSON.stringify([
    sid ?? null,
    effect,
    principal ? [principal[0], canonicalPrincipalSet(principal[1], `${field}.${principal[0]}`)] : null,
    [action[0], set(actions)],
    resource ? [resource[0], set(stringList(resource[1], `${field}.${resource[0]}`))] : null,
    condition === undefined ? null : canonicalConditionSet(condition, `${field}.Condition`),
  ]);
}

interface CanonicalPolicy {
  version: string;
  id: string | null;
  statements: unknown[];
  signatures: string[];
}

function canonicalPolicy(input: PolicyInput, field: string): CanonicalPolicy {
  const value = parse(input, field);
  if (!isObject(value)) throw new InvalidInputError(field, value, 'a policy document object');
  for (const key of Object.keys(value)) {
    if (!DOCUMENT_KEYS.has(key))
      throw new InvalidInputError(`${field}.${key}`, key, 'a document key: Version, Id, Statement');
  }
  const version = own(value, 'Version');
  if (version !== undefined && (typeof version !== 'string' || !VERSIONS.has(version)))
    throw new InvalidInputError(`${field}.Version`, version, '2012-10-17 or 2008-10-17');
  const id = own(value, 'Id');
  if (id !== undefined && typeof id !== 'string')
    throw new InvalidInputError(`${field}.Id`, id, 'a string Id');
  const raw = own(value, 'Statement');
  const statements = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const signatures = statements.map((s, i) =>
    statementSignature(s, Array.isArray(raw) ? `${field}.Statement[${i}]` : `${field}.Statement`),
  );
  return { version: version ?? '2008-10-17', id: id ?? null, statements, signatures };
}

/** The difference between two policies: statements only in `a` (removed) and only in `b` (added). */
export interface PolicyDiff {
  equal: boolean;
  /** Statements of `a` with no equivalent in `b` (as written in `a`). */
  removed: unknown[];
  /** Statements of `b` with no equivalent in `a` (as written in `b`). */
  added: unknown[];
  /** `Version` or `Id` differ. */
  headerChanged: boolean;
  /** One line, e.g. `1 statement added, 1 removed`. */
  summary: string;
  /** Set by {@link diffCurrentPolicy} when the current document is malformed: why (one line). */
  malformed?: string;
}

function diffCanonical(left: CanonicalPolicy, right: CanonicalPolicy): PolicyDiff {
  const rightSet = new Set(right.signatures);
  const leftSet = new Set(left.signatures);
  const removed = left.statements.filter((_, i) => !rightSet.has(left.signatures[i] as string));
  const added = right.statements.filter((_, i) => !leftSet.has(right.signatures[i] as string));
  const headerChanged = left.version !== right.version || left.id !== right.id;
  const equal = removed.length === 0 && added.length === 0 && !headerChanged;
  const parts: string[] = [];
  if (added.length > 0) parts.push(`${added.length} statement${added.length === 1 ? '' : 's'} added`);
  if (removed.length > 0) parts.push(`${removed.length} statement${removed.length === 1 ? '' : 's'} removed`);
  if (headerChanged) parts.push('Version or Id changed');
  return { equal, removed, added, headerChanged, summary: equal ? 'no difference' : parts.join(', ') };
}

/**
 * Compare two policies statement by statement (semantic, order-free; rules in the module comment).
 * Throws {@link InvalidInputError} naming the field (`a.Statement[0].Condition`) when either
 * document is malformed.
 *
 * @example
 * ```ts
 * const d = diffPolicies(currentFromAws, desired);
 * if (!d.equal) console.log(d.summary, d.added);
 * ```
 */
export function diffPolicies(a: PolicyInput, b: PolicyInput): PolicyDiff {
  return diffCanonical(canonicalPolicy(a, 'a'), canonicalPolicy(b, 'b'));
}

/**
 * Compare a document read from AWS (`current`) with the one the stack wants (`desired`). A malformed
 * desired document throws {@link InvalidInputError} (it is our input); a malformed current document
 * is drift: the result is unequal, `malformed` says why and every desired statement is `added`, so
 * apply replaces the whole document.
 *
 * @example
 * ```ts
 * const d = diffCurrentPolicy(role.AssumeRolePolicyDocument ?? '{}', spec.trust);
 * if (!d.equal) plan.push(`trust policy: ${d.summary}`);
 * ```
 */
export function diffCurrentPolicy(current: PolicyInput, desired: PolicyInput): PolicyDiff {
  const right = canonicalPolicy(desired, 'desired');
  let left: CanonicalPolicy;
  try {
    left = canonicalPolicy(current, 'current');
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return {
      equal: false,
      removed: [],
      added: right.statements,
      headerChanged: true,
      malformed: error.message,
      summary: `current document is malformed (${error.message}): replaced whole`,
    };
  }
  return diffCanonical(left, right);
}

/**
 * True when two policies are evaluated the same by IAM (rules in the module comment). Throws
 * {@link InvalidInputError} naming the field when either document is malformed.
 *
 * @example
 * ```ts
 * policiesEqual(
 *   '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}}',
 *   { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: ['*'] }] },
 * ); // true
 * ```
 */
export function policiesEqual(a: PolicyInput, b: PolicyInput): boolean {
  return diffPolicies(a, b).equal;
}
