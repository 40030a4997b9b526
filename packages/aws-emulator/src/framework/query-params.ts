/**
 * Decodes awsQuery / EC2 form parameters into nested values: `X.member.N` and `X.N` become
 * arrays, `X.entry.N.key/value` become maps, `A.B` becomes `{ A: { B } }`.
 */

type Tree = { [key: string]: Tree | string };

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Turns flat form parameters into a nested value (Action and Version are left out).
 * @example decodeQueryParams(new URLSearchParams('Tags.member.1.Key=a&Tags.member.1.Value=b')) // { Tags: [{ Key: 'a', Value: 'b' }] }
 */
export function decodeQueryParams(params: URLSearchParams): Record<string, unknown> {
  const root: Tree = {};
  for (const [name, value] of params) {
    if (name === 'Action' || name === 'Version') continue;
    const path = name.split('.');
    if (path.some((p) => UNSAFE_KEYS.has(p) || p === '')) continue;
    let node: Tree = root;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i] as string;
      const existing = node[key];
      if (typeof existing === 'object') node = existing;
      else {
        const created: Tree = {};
        node[key] = created;
        node = created;
      }
    }
    const last = path[path.length - 1] as string;
    if (typeof node[last] !== 'object') node[last] = value;
  }
  return normalise(root) as Record<string, unknown>;
}

function isIndexed(tree: Tree): boolean {
  const keys = Object.keys(tree);
  return keys.length > 0 && keys.every((k) => /^\d+$/.test(k));
}

function byIndex(tree: Tree): unknown[] {
  return Object.keys(tree)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => normalise(tree[k] as Tree | string));
}

function normalise(value: Tree | string): unknown {
  if (typeof value === 'string') return value;
  const keys = Object.keys(value);
  if (
    keys.length === 1 &&
    keys[0] === 'member' &&
    typeof value.member === 'object' &&
    isIndexed(value.member)
  ) {
    return byIndex(value.member);
  }
  if (keys.length === 1 && keys[0] === 'entry' && typeof value.entry === 'object' && isIndexed(value.entry)) {
    const map: Record<string, unknown> = {};
    for (const entry of byIndex(value.entry)) {
      const e = entry as Record<string, unknown>;
      const key = e.key ?? e.Key;
      if (typeof key === 'string' && !UNSAFE_KEYS.has(key)) map[key] = e.value ?? e.Value;
    }
    return map;
  }
  if (isIndexed(value)) return byIndex(value);
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = normalise(value[k] as Tree | string);
  return out;
}
