/**
 * Own keys only: input maps (tags, labels, extraArgs, docker configs...) become objects without
 * prototype pollution. `__proto__` is refused as a key (assigning it would change the object's
 * prototype, and zod and most copies drop it silently); entries are read from own enumerable keys
 * only, and objects are built with {@link setOwn} (a data property, never the `__proto__` setter).
 */
import { InvalidInputError } from './errors.js';

/** The key refused in every input map. */
export const PROTO_KEY = '__proto__';

/**
 * Throw {@link InvalidInputError} naming `<field>.__proto__` when `key` is `__proto__`.
 *
 * @example
 * ```ts
 * refuseProtoKey('team', 'tags'); // ok
 * refuseProtoKey('__proto__', 'tags'); // throws "tags.__proto__: expected a key other than __proto__ ..."
 * ```
 */
export function refuseProtoKey(key: string, field: string): void {
  if (key === PROTO_KEY)
    throw new InvalidInputError(
      `${field}.${PROTO_KEY}`,
      key,
      'a key other than __proto__ (it would replace the object prototype)',
    );
}

/**
 * The own enumerable entries of an input map, refusing a `__proto__` key (inherited keys are never
 * read).
 *
 * @example
 * ```ts
 * ownEntries({ team: 'platform' }, 'tags'); // [['team', 'platform']]
 * ownEntries(JSON.parse('{"__proto__":{"x":1}}'), 'tags'); // throws InvalidInputError (tags.__proto__)
 * ```
 */
export function ownEntries<T>(value: Readonly<Record<string, T>>, field: string): [string, T][] {
  const entries = Object.entries(value);
  for (const [key] of entries) refuseProtoKey(key, field);
  return entries;
}

/**
 * Define `key` as an own enumerable data property of `target` (safe for any key, `__proto__`
 * included: the prototype never changes).
 *
 * @example
 * ```ts
 * const tags: Record<string, string> = {};
 * setOwn(tags, '__proto__', 'x'); // Object.keys(tags) -> ['__proto__'], prototype unchanged
 * ```
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
