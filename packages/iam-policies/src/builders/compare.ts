/**
 * Semantic comparison of policy documents, following hashicorp/awspolicyequivalence (AWS-FACTS.md):
 * statements are order-free; Action/NotAction/Resource/NotResource are sets and a string equals a
 * one-element list; condition values are sets, booleans and numbers compared as strings; principals
 * are sets per type; a 12-digit account equals `arn:aws:iam::<id>:root`, and `"*"` equals `{"AWS":"*"}`.
 * Accepts objects, JSON strings, or the RFC 3986 URL-encoded JSON that GetRole, GetRolePolicy and
 * GetPolicyVersion return (SDK v3 does not decode it, aws-sdk-js-v3#1945).
 */
import { InvalidInputError } from '@eks-kit/core';
import { compareStrings } from './canonical-values.js';
import type { LoosePolicyDocument, PolicyDocument } from './types.js';

/** A policy in any form eks-kit reads: object, JSON string or URL-encoded JSON string. */
export type PolicyInput = PolicyDocument | LoosePolicyDocument | string;

/**
 * Parse a policy from JSON or IAM's URL-encoded JSON; `Statement` is always returned as a list.
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
  let value: unknown = input;
  if (typeof input === 'string') {
    let text = input.trim();
    if (!text.startsWith('{')) {
      try {
        text = decodeURIComponent(text);
      } catch {
        throw new InvalidInputError(field, input, 'policy JSON or URL-encoded policy JSON');
      }
    }
    try {
      value = JSON.parse(text);
    } catch {
      throw new InvalidInputError(field, input, 'policy JSON or URL-encoded policy JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidInputError(field, value, 'a policy document object');
  const doc = value as LoosePolicyDocument;
  const statements =
    doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return { ...doc, Statement: statements };
}

type Sets = Record<string, string[]>;

function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((v) => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v)));
}

function set(values: string[]): string[] {
  return [...new Set(values)].sort(compareStrings);
}

function normalPrincipal(value: unknown): Sets | undefined {
  if (value === undefined) return undefined;
  if (value === '*') return { AWS: ['*'] };
  if (typeof value !== 'object' || value === null) return { '?': strings(value) };
  const out: Sets = {};
  for (const key of Object.keys(value).sort(compareStrings)) {
    let list = strings((value as Record<string, unknown>)[key]);
    if (key === 'AWS') list = list.map((p) => (/^\d{12}$/.test(p) ? `arn:aws:iam::${p}:root` : p));
    out[key] = set(list);
  }
  return out;
}

function normalCondition(value: unknown): Record<string, Sets> | undefined {
  if (value === undefined || typeof value !== 'object' || value === null) return undefined;
  const out: Record<string, Sets> = {};
  for (const op of Object.keys(value).sort(compareStrings)) {
    const block = (value as Record<string, unknown>)[op];
    const keys: Sets = {};
    if (typeof block === 'object' && block !== null) {
      for (const key of Object.keys(block).sort(compareStrings))
        keys[key] = set(strings((block as Record<string, unknown>)[key]));
    }
    out[op] = keys;
  }
  return out;
}

/** A statement reduced to a string that is equal for semantically equal statements. */
function statementSignature(raw: unknown): string {
  const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const lower = (v: unknown): string[] | undefined =>
    v === undefined ? undefined : set(strings(v).map((a) => a.toLowerCase()));
  const plain = (v: unknown): string[] | undefined => (v === undefined ? undefined : set(strings(v)));
  return JSON.stringify([
    s.Sid ?? '',
    s.Effect ?? '',
    normalPrincipal(s.Principal) ?? null,
    normalPrincipal(s.NotPrincipal) ?? null,
    lower(s.Action) ?? null,
    lower(s.NotAction) ?? null,
    plain(s.Resource) ?? null,
    plain(s.NotResource) ?? null,
    normalCondition(s.Condition) ?? null,
  ]);
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
}

/**
 * Compare two policies statement by statement (semantic, order-free).
 *
 * @example
 * ```ts
 * const d = diffPolicies(currentFromAws, desired);
 * if (!d.equal) console.log(d.summary, d.added);
 * ```
 */
export function diffPolicies(a: PolicyInput, b: PolicyInput): PolicyDiff {
  const left = decodePolicyDocument(a, 'a');
  const right = decodePolicyDocument(b, 'b');
  const leftSigs = left.Statement.map(statementSignature);
  const rightSigs = right.Statement.map(statementSignature);
  const rightSet = new Set(rightSigs);
  const leftSet = new Set(leftSigs);
  const removed = left.Statement.filter((_, i) => !rightSet.has(leftSigs[i] as string));
  const added = right.Statement.filter((_, i) => !leftSet.has(rightSigs[i] as string));
  const headerChanged =
    (left.Version ?? '2008-10-17') !== (right.Version ?? '2008-10-17') ||
    (left.Id ?? '') !== (right.Id ?? '');
  const equal = removed.length === 0 && added.length === 0 && !headerChanged;
  const parts: string[] = [];
  if (added.length > 0) parts.push(`${added.length} statement${added.length === 1 ? '' : 's'} added`);
  if (removed.length > 0) parts.push(`${removed.length} statement${removed.length === 1 ? '' : 's'} removed`);
  if (headerChanged) parts.push('Version or Id changed');
  return { equal, removed, added, headerChanged, summary: equal ? 'no difference' : parts.join(', ') };
}

/**
 * True when two policies allow and deny the same (awspolicyequivalence rules, see the module comment).
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
