import { describe, expect, it } from 'vitest';
import { InvalidInputError, ownEntries, refuseProtoKey, setOwn, validateTags } from '../src/index.js';

const hostile = (): Record<string, unknown> => JSON.parse('{"a":"1","__proto__":{"polluted":"yes"}}');

describe('own keys', () => {
  it('ownEntries refuses __proto__ naming the field, keeps other own entries', () => {
    expect(ownEntries({ a: 1 }, 'x')).toEqual([['a', 1]]);
    expect(() => ownEntries(hostile(), 'tags')).toThrow(InvalidInputError);
    try {
      ownEntries(hostile(), 'tags');
    } catch (error) {
      expect((error as InvalidInputError).field).toBe('tags.__proto__');
      expect((error as Error).message).not.toContain('\n');
    }
  });
  it('ownEntries never reads inherited keys', () => {
    const child = Object.create({ inherited: 'x' }) as Record<string, string>;
    child.own = 'y';
    expect(ownEntries(child, 'x')).toEqual([['own', 'y']]);
  });
  it('refuseProtoKey accepts look-alikes', () => {
    for (const key of ['proto', '__proto', 'constructor', '__PROTO__'])
      expect(() => refuseProtoKey(key, 'f')).not.toThrow();
    expect(() => refuseProtoKey('__proto__', 'f')).toThrow(/f\.__proto__/);
  });
  it('setOwn defines an own key and never changes the prototype', () => {
    const out: Record<string, unknown> = {};
    setOwn(out, '__proto__', { polluted: 'yes' });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect((out as { polluted?: string }).polluted).toBeUndefined();
  });
  it('validateTags refuses a __proto__ tag instead of dropping it', () => {
    expect(() => validateTags(hostile(), 'tags')).toThrow(/^tags\.__proto__: /);
  });
});
