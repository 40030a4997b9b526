/**
 * Renamed public functions (issue 20's naming rule: `find*` read, `ensure*` converge, `check*` return
 * findings, `validate*` throw on bad input, `waitUntil*` wait) keep their old name for one minor version
 * as a deprecated alias of the same function, so callers of the old name keep working.
 */
import { describe, expect, it } from 'vitest';
import {
  checkStatementKindRules,
  findInlinePolicy,
  findRole,
  getInlinePolicy,
  getRole,
  validateStatementKindRules,
} from '../src/index.js';

describe('deprecated names', () => {
  it.each([
    { old: 'getRole', oldFn: getRole, name: 'findRole', fn: findRole },
    { old: 'getInlinePolicy', oldFn: getInlinePolicy, name: 'findInlinePolicy', fn: findInlinePolicy },
    {
      old: 'checkStatementKindRules',
      oldFn: checkStatementKindRules,
      name: 'validateStatementKindRules',
      fn: validateStatementKindRules,
    },
  ])('$old is the deprecated alias of $name', ({ oldFn, fn }) => {
    expect(typeof fn).toBe('function');
    expect(oldFn).toBe(fn);
  });
});
