import { describe, expect, it } from 'vitest';
import { sortedJson, sortKeysDeep } from '../src/index.js';

describe('sorted-key data and JSON (one rule for every stable output)', () => {
  it('sorts every map by code unit, keeps array order and drops undefined members', () => {
    expect(JSON.stringify(sortKeysDeep({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined }, B: 0 }))).toBe(
      '{"B":0,"a":{"d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  it('prints equal data as equal text whatever the insertion order', () => {
    expect(sortedJson({ rules: [{ b: 1, a: 2 }] })).toBe(sortedJson({ rules: [{ a: 2, b: 1 }] }));
    expect(sortedJson({ b: 1, a: 2 }, 2)).toBe('{\n  "a": 2,\n  "b": 1\n}');
  });

  it('keeps a __proto__ key as data, never as a prototype', () => {
    const sorted = sortKeysDeep(JSON.parse('{"__proto__":{"polluted":true},"a":1}') as object);
    expect(Object.getPrototypeOf(sorted)).toBe(Object.prototype);
    expect(Object.hasOwn(sorted, '__proto__')).toBe(true);
  });
});
