/** Stack file texts and refusals the parser tests share (no AWS). */
import { InvalidInputError } from '@eks-kit/core';
import { expect } from 'vitest';

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
