/** Stack file texts and refusals the parser tests share (no AWS). */
import { InvalidInputError } from '@eks-kit/core';
import { expect } from 'vitest';
import { parseStack } from '../../src/index.js';

/**
 * A minimal stack file (cluster demo in eu-west-1) whose cluster runs Kubernetes `version`; `pins` is
 * appended under `autoscaler:` as given (indent it by two spaces).
 *
 * @example
 * ```ts
 * parseStack(withVersion('1.99', '  chartVersion: 9.59.0\n'), 'eks-kit.yaml');
 * ```
 */
export const withVersion = (version: string, pins = ''): string => `name: demo
cluster:
  name: demo
  region: eu-west-1
  kubernetesVersion: "${version}"
autoscaler:
  workerGroups:
    prefix: demo-workers-
${pins}`;

/**
 * The InvalidInputError `run` throws; the test fails when it throws anything else or nothing.
 *
 * @example
 * ```ts
 * expect(errorOf(() => parseStack(withVersion('1.99'), 'eks-kit.yaml')).field).toBe('cluster.kubernetesVersion');
 * ```
 */
export function errorOf(run: () => unknown): InvalidInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('expected an InvalidInputError');
}

/**
 * The smallest stack file (cluster demo in eu-west-1, Kubernetes 1.35): tests append their keys.
 *
 * @example
 * ```ts
 * parseStack(`${BASE_STACK}repositories:\n  - name: app\n`);
 * ```
 */
export const BASE_STACK = `name: demo
cluster:
  name: demo
  region: eu-west-1
  kubernetesVersion: "1.35"
`;

/**
 * The InvalidInputError parsing `text` (as eks-kit.yaml) throws; any other error is rethrown, and a
 * stack that parses fails the test.
 *
 * @example
 * ```ts
 * expect(refusal(`${BASE_STACK}certificates: 3\n`).field).toBe('certificates');
 * ```
 */
export const refusal = (text: string): InvalidInputError => {
  try {
    parseStack(text, 'eks-kit.yaml');
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected the stack to be refused');
};
