/**
 * The reads the handler starts before it loads the checks' code (issue 21: the previous run's state and
 * the stack, in flight while `run-checks` is imported): what an invocation that fails leaves behind.
 * The SDK calls are held by a client middleware, so the order of events is the test's, not the clock's.
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import type { ClientMiddleware } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkerNames, createChecksHandler } from '../src/index.js';
import { captureOutput } from './fixtures/capture-output.js';
import { fixtureText } from './fixtures/stack-files.js';
import { fixtureWorld, REGION } from './fixtures/world.js';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY1',
};
const STATE = checkerNames('lambda-test').stateParameter;
const MISSING_STACK = '/eks-kit/not-there/stack';

let emu: Emulator;

beforeAll(async () => {
  emu = (await startTestEmulator({ seed: fixtureWorld() })).emulator;
});
afterAll(async () => {
  await emu?.stop();
});

/** A promise and the functions that settle it. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Every macrotask queued so far has run (and every microtask before it): no I/O is pending in these tests. */
const drain = () => new Promise((resolve) => setImmediate(resolve));

describe('the first reads of an invocation that fails', () => {
  it("log nothing after the invocation ended: a state read still in flight is the next invocation's noise", async () => {
    // The state read arrives and is held; the stack read then fails (a missing parameter); the state
    // read fails only after the invocation has answered (as a read cut by the clients' destroy() does).
    const stateArrived = deferred();
    const stateRead = deferred();
    const hold: ClientMiddleware = {
      name: 'holdFirstReads',
      handler: () => (next, context) => async (args) => {
        const name = (args.input as { Name?: string }).Name;
        if (context.commandName === 'GetParameterCommand' && name === STATE) {
          stateArrived.resolve();
          return stateRead.promise.then(() => next(args));
        }
        if (context.commandName === 'GetParameterCommand' && name === MISSING_STACK)
          await stateArrived.promise;
        return next(args);
      },
    };
    const handler = createChecksHandler({
      env: {
        EKS_KIT_STACK_PARAMETER: MISSING_STACK,
        EKS_KIT_STATE_PARAMETER: STATE,
        AWS_REGION: REGION,
        AWS_ENDPOINT_URL: emu.url,
      },
      clientOptions: { credentials, maxAttempts: 1, middleware: [hold] },
    });
    const { lines } = await captureOutput(async () => {
      await expect(handler({}, { getRemainingTimeInMillis: () => 60_000 })).rejects.toThrow(MISSING_STACK);
      // The invocation has answered; the state read now fails.
      stateRead.reject(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
      await drain();
      await drain();
    });
    const errors = lines.filter((l) => l.level === 'ERROR').map((l) => l.message);
    expect(errors).toEqual(['eks-kit checks could not run']);
  });
});

describe('the first reads of an invocation that completes', () => {
  it('log the state read error once, when the run compares with it, with the stack key', async () => {
    const failState: ClientMiddleware = {
      name: 'failStateRead',
      handler: () => (next, context) => async (args) => {
        const name = (args.input as { Name?: string }).Name;
        if (context.commandName === 'GetParameterCommand' && name === STATE)
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return next(args);
      },
    };
    const handler = createChecksHandler({
      env: {
        EKS_KIT_STACK: fixtureText(),
        EKS_KIT_STATE_PARAMETER: STATE,
        AWS_REGION: REGION,
        AWS_ENDPOINT_URL: emu.url,
      },
      clientOptions: { credentials, maxAttempts: 1, middleware: [failState] },
      // No check: this test is about the reads around them.
      checkTasks: () => [],
    });
    const { result, lines } = await captureOutput(() =>
      handler({}, { getRemainingTimeInMillis: () => 60_000 }),
    );
    const readErrors = lines.filter((l) => l.message === 'could not read the previous run');
    expect(readErrors).toHaveLength(1);
    expect(readErrors[0]).toMatchObject({ level: 'ERROR', stack: 'lambda-test' });
    expect(String(readErrors[0]?.error)).toContain('Rate exceeded');
    // Compared with no previous run, and the state is not overwritten (the unread one may hold failures).
    expect(result.changes.previousRunAt).toBeUndefined();
    expect(result.state).toEqual({ error: expect.stringContaining('Rate exceeded') });
  });
});
