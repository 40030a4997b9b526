/**
 * Send an SDK v3 command by its operation name (issue 22): for callers that issue reads they know
 * the input of without importing every SDK client package (the stack's read prefetch).
 */
import type { AwsClients, ServiceKey } from './clients.js';
import { InvalidInputError } from './errors.js';

type Module = Record<string, unknown>;

/** The SDK package of each service (literal imports, so bundlers see them). */
function load(service: ServiceKey): Promise<Module> {
  switch (service) {
    case 'iam':
      return import('@aws-sdk/client-iam') as Promise<Module>;
    case 'autoScaling':
      return import('@aws-sdk/client-auto-scaling') as Promise<Module>;
    case 'acm':
      return import('@aws-sdk/client-acm') as Promise<Module>;
    case 'route53':
      return import('@aws-sdk/client-route-53') as Promise<Module>;
    case 'ecr':
      return import('@aws-sdk/client-ecr') as Promise<Module>;
    case 'sts':
      return import('@aws-sdk/client-sts') as Promise<Module>;
    case 'eks':
      return import('@aws-sdk/client-eks') as Promise<Module>;
    case 'ec2':
      return import('@aws-sdk/client-ec2') as Promise<Module>;
    case 'ssm':
      return import('@aws-sdk/client-ssm') as Promise<Module>;
    case 'sns':
      return import('@aws-sdk/client-sns') as Promise<Module>;
  }
}

/**
 * Send `service:operation` with `input` through the client set (in `region`, for ACM and ECR). Only
 * read operations (Describe, List, Get) are allowed: it exists to start reads early.
 *
 * @example
 * ```ts
 * const out = await sendRead(clients, 'iam', 'GetRole', { RoleName: 'ca' });
 * ```
 */
export async function sendRead(
  clients: AwsClients,
  service: ServiceKey,
  operation: string,
  input: Record<string, unknown>,
  region?: string,
): Promise<unknown> {
  if (!/^(Describe|List|Get)[A-Z]/.test(operation))
    throw new InvalidInputError('operation', operation, 'a read operation (Describe*, List*, Get*)');
  const Command = (await load(service))[`${operation}Command`] as (new (input: object) => object) | undefined;
  if (!Command) throw new InvalidInputError('operation', operation, `an operation of ${service}`);
  const client =
    service === 'acm' || service === 'ecr'
      ? await clients[service](region)
      : await (clients[service] as () => Promise<unknown>)();
  return (client as { send(command: object): Promise<unknown> }).send(new Command(input));
}
