/**
 * Fuzz and property tests of the policy compare (iam-policies' policiesEqual / diffPolicies /
 * diffCurrentPolicy), issue 15. Fixed seed, bounded runs: EKS_KIT_FUZZ_RUNS overrides the number of
 * runs per property (default 200) and EKS_KIT_FUZZ_SEED the seed, for a longer run by script.
 *
 * Properties:
 * 1. equal after any reordering and IAM normalisation (statement/list order, scalar vs one-element
 *    list, action and condition-key case, duplicates, JSON / URL-encoded / pretty text, key order);
 * 2. unequal after any single semantic change (Effect, an action, Action vs NotAction, a resource,
 *    Resource vs NotResource, a principal, a condition operator, key or value, a condition added or
 *    removed, Sid, Version, a statement added or removed), both ways round;
 * 3. symmetric;
 * 4. on arbitrary JSON (and `__proto__` keys) the compare answers or throws InvalidInputError, never
 *    another error; a malformed current document is drift for diffCurrentPolicy, never a throw.
 */
import { InvalidInputError } from '@eks-kit/core';
import { diffCurrentPolicy, diffPolicies, policiesEqual } from '@eks-kit/iam-policies';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

function positiveEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${name} must be a positive whole number, got ${raw}`);
  return value;
}

/** Runs per property (EKS_KIT_FUZZ_RUNS) and the fixed seed (EKS_KIT_FUZZ_SEED). */
const RUNS = positiveEnv('EKS_KIT_FUZZ_RUNS', 200);
const SEED = positiveEnv('EKS_KIT_FUZZ_SEED', 15_015);
const PARAMS = { numRuns: RUNS, seed: SEED };
/** Longer runs get more time; the default run takes well under a second per property. */
const TIMEOUT = Math.max(30_000, RUNS * 100);

type Json = Record<string, unknown>;

/** A small deterministic PRNG for the transformations (mulberry32), seeded by fast-check. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const shuffle = <T>(list: readonly T[], r: () => number): T[] => {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};
const pick = <T>(list: readonly T[], r: () => number): T => list[Math.floor(r() * list.length)] as T;
const randomCase = (text: string, r: () => number): string =>
  [...text].map((c) => (r() < 0.5 ? c.toLowerCase() : c.toUpperCase())).join('');
/** Rebuild an object with its keys in a random order. */
const shuffleKeys = (o: Json, r: () => number): Json => Object.fromEntries(shuffle(Object.entries(o), r));

// ----- generators: well-formed policies with concrete (wildcard-free) actions -----

const SERVICES = ['s3', 'ec2', 'ecr', 'autoscaling', 'iam', 'sts', 'logs'];
const action = fc
  .tuple(fc.constantFrom(...SERVICES), fc.stringMatching(/^[A-Z][a-z]{1,6}[A-Z][a-z]{1,6}$/))
  .map(([service, name]) => `${service}:${name}`);
const resource = fc.oneof(
  fc.constant('*'),
  fc.stringMatching(/^[a-z0-9-]{1,12}$/).map((b) => `arn:aws:s3:::${b}`),
  fc
    .stringMatching(/^[A-Za-z0-9/_-]{1,16}$/)
    .map((p) => `arn:aws:ecr:eu-west-1:123456789012:repository/${p}`),
);
const OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringLike',
  'ArnLike',
  'ArnEquals',
  'Bool',
  'NumericLessThan',
  'ForAnyValue:StringEquals',
  'StringEqualsIfExists',
];
const CONDITION_KEYS = [
  'aws:SourceAccount',
  'aws:PrincipalTag/team',
  's3:prefix',
  'aws:SecureTransport',
  'ec2:Region',
];
const conditionValue = fc.stringMatching(/^[A-Za-z0-9:/._-]{1,12}$/);
const condition = fc.dictionary(
  fc.constantFrom(...OPERATORS),
  fc.dictionary(
    fc.constantFrom(...CONDITION_KEYS),
    fc.uniqueArray(conditionValue, { minLength: 1, maxLength: 3 }),
    {
      minKeys: 1,
      maxKeys: 2,
    },
  ),
  { minKeys: 1, maxKeys: 2 },
);
const principal = fc.oneof(
  fc.record({
    AWS: fc.uniqueArray(
      fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/).map((n) => `arn:aws:iam::123456789012:role/${n}`),
      { minLength: 1, maxLength: 3 },
    ),
  }),
  fc.record({
    Service: fc.uniqueArray(
      fc.constantFrom('ec2.amazonaws.com', 'lambda.amazonaws.com', 'eks.amazonaws.com'),
      { minLength: 1, maxLength: 2 },
    ),
  }),
);
/** Action names unique ignoring case (IAM folds their case). */
const actions = fc.uniqueArray(action, { minLength: 1, maxLength: 4, selector: (a) => a.toLowerCase() });

const statement = fc
  .record(
    {
      Effect: fc.constantFrom('Allow', 'Deny'),
      actionKey: fc.constantFrom('Action', 'NotAction'),
      actions,
      resourceKey: fc.constantFrom('Resource', 'NotResource', 'none'),
      resources: fc.uniqueArray(resource, { minLength: 1, maxLength: 3 }),
      Principal: fc.option(principal, { nil: undefined }),
      Condition: fc.option(condition, { nil: undefined }),
    },
    { requiredKeys: ['Effect', 'actionKey', 'actions', 'resourceKey', 'resources'] },
  )
  .map((s): Json => {
    const out: Json = { Effect: s.Effect, [s.actionKey]: s.actions };
    if (s.resourceKey !== 'none') out[s.resourceKey] = s.resources;
    if (s.Principal) out.Principal = s.Principal;
    if (s.Condition) out.Condition = s.Condition;
    return out;
  });

/** A policy whose statements carry distinct Sids, so that no two of them are equivalent. */
const policy = fc.array(statement, { minLength: 1, maxLength: 4 }).map(
  (statements): Json => ({
    Version: '2012-10-17',
    Statement: statements.map((s, i) => ({ Sid: `S${i}`, ...s })),
  }),
);
/** The same without Sids (statements may then be equivalent: only equality properties use it). */
const policyWithoutSids = fc
  .array(statement, { minLength: 0, maxLength: 4 })
  .map((statements): Json => ({ Version: '2012-10-17', Statement: statements }));

// ----- equivalence-preserving rewrites (what IAM normalises) -----

const asOneOrList = (list: string[], r: () => number): unknown =>
  list.length === 1 && r() < 0.5 ? list[0] : shuffle(list, r);
/** Sometimes add a duplicate of an element (sets ignore duplicates). */
const maybeDuplicate = (list: string[], r: () => number): string[] =>
  r() < 0.2 && list.length > 0 ? [...list, pick(list, r)] : list;

function rewriteStatement(s: Json, r: () => number): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === 'Action' || key === 'NotAction')
      out[key] = asOneOrList(
        maybeDuplicate(
          (value as string[]).map((a) => randomCase(a, r)),
          r,
        ),
        r,
      );
    else if (key === 'Resource' || key === 'NotResource')
      out[key] = asOneOrList(maybeDuplicate(value as string[], r), r);
    else if (key === 'Principal' || key === 'NotPrincipal') {
      const p: Json = {};
      for (const [type, list] of Object.entries(value as Json))
        p[type] = asOneOrList(maybeDuplicate(list as string[], r), r);
      out[key] = shuffleKeys(p, r);
    } else if (key === 'Condition') {
      const c: Json = {};
      for (const [operator, block] of Object.entries(value as Json)) {
        const b: Json = {};
        for (const [k, list] of Object.entries(block as Json)) {
          // Condition keys are case-insensitive: keep the prefix and change the case of the rest.
          const at = k.indexOf(':');
          b[`${k.slice(0, at + 1)}${randomCase(k.slice(at + 1), r)}`] = asOneOrList(
            maybeDuplicate(list as string[], r),
            r,
          );
        }
        c[operator] = shuffleKeys(b, r);
      }
      out[key] = shuffleKeys(c, r);
    } else out[key] = value;
  }
  return shuffleKeys(out, r);
}

function rewritePolicy(p: Json, seed: number): unknown {
  const r = rng(seed);
  let statements = (p.Statement as Json[]).map((s) => rewriteStatement(s, r));
  if (r() < 0.2 && statements.length > 0)
    statements.push(rewriteStatement(pick(p.Statement as Json[], r), r));
  statements = shuffle(statements, r);
  const doc = shuffleKeys(
    { Version: p.Version, Statement: statements.length === 1 && r() < 0.5 ? statements[0] : statements },
    r,
  );
  const form = Math.floor(r() * 4);
  if (form === 0) return doc;
  const json = JSON.stringify(doc, null, form === 2 ? 2 : undefined);
  if (form === 3) return encodeURIComponent(json);
  return json;
}

// ----- single semantic changes -----

const NEW_ACTION = 'logs:FuzzOnlyAction';
const NEW_RESOURCE = 'arn:aws:s3:::fuzz-only-bucket';
const NEW_PRINCIPAL = 'arn:aws:iam::123456789012:role/fuzz-only-role';

type Mutation = (s: Json) => Json | undefined;
const MUTATIONS: Record<string, Mutation> = {
  effect: (s) => ({ ...s, Effect: s.Effect === 'Allow' ? 'Deny' : 'Allow' }),
  'add action': (s) => {
    const key = s.Action ? 'Action' : 'NotAction';
    return { ...s, [key]: [...(s[key] as string[]), NEW_ACTION] };
  },
  'remove action': (s) => {
    const key = s.Action ? 'Action' : 'NotAction';
    const list = s[key] as string[];
    return list.length > 1 ? { ...s, [key]: list.slice(1) } : undefined;
  },
  'Action <-> NotAction': (s) => {
    const { Action, NotAction, ...rest } = s;
    return Action ? { ...rest, NotAction: Action } : { ...rest, Action: NotAction };
  },
  'add resource': (s) => {
    const key = s.Resource ? 'Resource' : s.NotResource ? 'NotResource' : undefined;
    return key
      ? { ...s, [key]: [...(s[key] as string[]), NEW_RESOURCE] }
      : { ...s, Resource: [NEW_RESOURCE] };
  },
  'remove resource': (s) => {
    const key = s.Resource ? 'Resource' : s.NotResource ? 'NotResource' : undefined;
    if (!key) return undefined;
    const list = s[key] as string[];
    if (list.length > 1) return { ...s, [key]: list.slice(1) };
    const { [key]: _, ...rest } = s;
    return rest;
  },
  'Resource <-> NotResource': (s) => {
    const { Resource, NotResource, ...rest } = s;
    if (Resource) return { ...rest, NotResource: Resource };
    if (NotResource) return { ...rest, Resource: NotResource };
    return undefined;
  },
  'add principal': (s) => {
    const p = (s.Principal ?? {}) as Json;
    return { ...s, Principal: { ...p, AWS: [...((p.AWS as string[] | undefined) ?? []), NEW_PRINCIPAL] } };
  },
  'Principal -> NotPrincipal': (s) => {
    const { Principal, ...rest } = s;
    return Principal ? { ...rest, NotPrincipal: Principal } : undefined;
  },
  'condition value': (s) => {
    if (!s.Condition) return undefined;
    const [operator, block] = Object.entries(s.Condition as Json)[0] as [string, Json];
    const [key, values] = Object.entries(block)[0] as [string, string[]];
    return {
      ...s,
      Condition: {
        ...(s.Condition as Json),
        [operator]: { ...block, [key]: [...values, 'fuzz-only-value'] },
      },
    };
  },
  'condition key': (s) => {
    if (!s.Condition) return undefined;
    const [operator, block] = Object.entries(s.Condition as Json)[0] as [string, Json];
    const [key, values] = Object.entries(block)[0] as [string, string[]];
    const { [key]: _, ...others } = block;
    return {
      ...s,
      Condition: { ...(s.Condition as Json), [operator]: { ...others, 'aws:FuzzOnlyKey': values } },
    };
  },
  // Operators are case-sensitive names with distinct meanings: StringEquals -> DateGreaterThan changes evaluation.
  'condition operator': (s) => {
    if (!s.Condition || Object.hasOwn(s.Condition as Json, 'DateGreaterThan')) return undefined;
    const entries = Object.entries(s.Condition as Json);
    const [, block] = entries[0] as [string, Json];
    return { ...s, Condition: { ...Object.fromEntries(entries.slice(1)), DateGreaterThan: block } };
  },
  'add condition': (s) =>
    s.Condition && Object.hasOwn(s.Condition as Json, 'NumericEquals')
      ? undefined
      : { ...s, Condition: { ...((s.Condition as Json) ?? {}), NumericEquals: { 's3:max-keys': '10' } } },
  'remove condition': (s) => {
    if (!s.Condition) return undefined;
    const { Condition: _, ...rest } = s;
    return rest;
  },
  sid: (s) => ({ ...s, Sid: `${s.Sid as string}X` }),
};

const mutationName = fc.constantFrom(
  ...Object.keys(MUTATIONS),
  'version',
  'add statement',
  'remove statement',
);

describe('fuzz: policy compare', () => {
  it(
    'equal after any reordering and IAM normalisation',
    () => {
      fc.assert(
        fc.property(fc.oneof(policy, policyWithoutSids), fc.integer(), (p, seed) => {
          const rewritten = rewritePolicy(p, seed);
          expect(policiesEqual(p, rewritten as string)).toBe(true);
          expect(policiesEqual(rewritten as string, p)).toBe(true);
          expect(diffCurrentPolicy(rewritten as string, p).equal).toBe(true);
        }),
        PARAMS,
      );
    },
    TIMEOUT,
  );

  it(
    'unequal after any single semantic change, both ways round, even after normalisation',
    () => {
      let applied = 0;
      fc.assert(
        fc.property(policy, mutationName, fc.nat(), fc.integer(), (p, name, index, seed) => {
          const statements = p.Statement as Json[];
          let changed: Json;
          if (name === 'version') changed = { ...p, Version: '2008-10-17' };
          else if (name === 'add statement')
            changed = {
              ...p,
              Statement: [
                ...statements,
                { Sid: 'New', Effect: 'Allow', Action: [NEW_ACTION], Resource: ['*'] },
              ],
            };
          else if (name === 'remove statement')
            changed = { ...p, Statement: statements.filter((_, i) => i !== index % statements.length) };
          else {
            const i = index % statements.length;
            const mutated = MUTATIONS[name]?.(statements[i] as Json);
            fc.pre(mutated !== undefined);
            changed = { ...p, Statement: statements.map((s, j) => (j === i ? (mutated as Json) : s)) };
          }
          applied++;
          const rewritten = rewritePolicy(changed, seed) as string;
          expect(policiesEqual(p, rewritten)).toBe(false);
          expect(policiesEqual(rewritten, p)).toBe(false);
          const diff = diffPolicies(p, rewritten);
          expect(diff.equal).toBe(false);
          expect(diff.summary).not.toBe('no difference');
        }),
        PARAMS,
      );
      expect(applied).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    'symmetric on any two well-formed policies',
    () => {
      fc.assert(
        fc.property(policyWithoutSids, policyWithoutSids, (a, b) => {
          expect(policiesEqual(a, b)).toBe(policiesEqual(b, a));
        }),
        PARAMS,
      );
    },
    TIMEOUT,
  );

  it(
    'arbitrary JSON (with __proto__ keys): a boolean or InvalidInputError, never another error',
    () => {
      const hostile = fc.oneof(
        fc.jsonValue(),
        fc.record({ Version: fc.jsonValue(), Statement: fc.array(fc.jsonValue(), { maxLength: 3 }) }),
        fc.record({
          Statement: fc.array(
            fc.record(
              {
                Effect: fc.jsonValue(),
                Action: fc.jsonValue(),
                Resource: fc.jsonValue(),
                Condition: fc.jsonValue(),
                Principal: fc.jsonValue(),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 3 },
          ),
        }),
      );
      const withProto = fc.tuple(hostile, fc.boolean()).map(([value, proto]) => {
        const text = JSON.stringify(value) ?? 'null';
        // Rename the first key anywhere in the text to __proto__ (an own key once parsed).
        return proto ? text.replace(/"([^"\\]*)":/, '"__proto__":') : text;
      });
      const valid = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      };
      fc.assert(
        fc.property(withProto, (text) => {
          for (const input of [text, safeParse(text)]) {
            try {
              expect(typeof policiesEqual(input as string, valid)).toBe('boolean');
            } catch (error) {
              expect(error).toBeInstanceOf(InvalidInputError);
              expect((error as Error).message).not.toContain('\n');
            }
            const drift = diffCurrentPolicy(input as string, valid);
            expect(typeof drift.equal).toBe('boolean');
            if (drift.malformed !== undefined) expect(drift.equal).toBe(false);
          }
          expect(({} as Json).polluted).toBeUndefined();
        }),
        PARAMS,
      );
    },
    TIMEOUT,
  );
});

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
