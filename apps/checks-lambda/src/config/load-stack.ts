/**
 * The stack to check: inline in the environment or in an SSM parameter, parsed by @eks-kit/stack
 * (the same schema and messages as the CLI's `eks-kit.yaml`).
 */
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { type AwsClients, wrapAwsError } from '@eks-kit/core';
import { parseStack, type Stack } from '@eks-kit/stack';
import type { StackSource } from './handler-config.js';

/**
 * Load and parse the stack; an invalid stack throws the stack package's `InvalidInputError`.
 *
 * @example
 * ```ts
 * const stack = await loadStackFromSource(clients, { kind: 'parameter', name: '/eks-kit/prod/stack' });
 * stack.cluster.name; // 'prod'
 * ```
 */
export async function loadStackFromSource(clients: AwsClients, source: StackSource): Promise<Stack> {
  if (source.kind === 'inline') return parseStack(source.text, 'EKS_KIT_STACK');
  const text = await readParameter(clients, source.name);
  return parseStack(text, `ssm:${source.name}`);
}

async function readParameter(clients: AwsClients, name: string): Promise<string> {
  const ssm = await clients.ssm();
  try {
    // WithDecryption: a SecureString parameter is returned in clear (needs kms:Decrypt on its key).
    const out = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return out.Parameter?.Value ?? '';
  } catch (error) {
    throw wrapAwsError(error, 'ssm:GetParameter', name);
  }
}
