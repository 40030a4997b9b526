/**
 * Renamed public functions (issue 20's naming rule: `find*` read, `ensure*` converge, `check*` return
 * findings, `validate*` throw on bad input, `waitUntil*` wait) keep their old name for one minor version
 * as a deprecated alias of the same function, so callers of the old name keep working.
 */
import { describe, expect, it } from 'vitest';
import { checkDerivedNames, validateDerivedNames } from '../src/index.js';

describe('deprecated names', () => {
  it.each([
    {
      old: 'checkDerivedNames',
      oldFn: checkDerivedNames,
      name: 'validateDerivedNames',
      fn: validateDerivedNames,
    },
  ])('$old is the deprecated alias of $name', ({ oldFn, fn }) => {
    expect(typeof fn).toBe('function');
    expect(oldFn).toBe(fn);
  });
});
