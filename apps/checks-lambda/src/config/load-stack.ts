/**
 * The stack to check: inline in the environment or in an SSM parameter, validated by @eks-kit/stack
 * (the same schema and messages as the CLI's `eks-kit.yaml`).
 *
 * The deploy template stores the stack as JSON (`JSON.stringify` of the stack it validated) and its
 * `stackDigest` in `EKS_KIT_STACK_SHA256`. A text with that digest is the stack the deploy step
 * validated: `JSON.parse` is all it takes. Any other text (edited by hand in SSM or in the function's
 * environment, no digest, another eks-kit version) is validated in full by `stack-loader.ts`, a file
 * of the function's code loaded only then, with the CLI's messages naming the field. A YAML stack
 * (written by hand, or by a template older than the JSON one) is still read that way until 0.3, with
 * a warning asking to redeploy.
 */
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { type AwsClients, InvalidInputError, wrapAwsError } from '@eks-kit/core/clients';
import type { Stack } from '@eks-kit/stack';
import { stackDigest } from '@eks-kit/stack/stored';
import type { StackSource } from './handler-config.js';

/** What {@link loadStackFromSource} tells its caller besides the stack. */
export interface LoadStackOptions {
  /** Called with a one-line notice when the stack is YAML rather than the JSON the deploy step writes. */
  warn?: (message: string) => void;
}

/** Options of {@link parseStackText}. */
export interface ParseStackTextOptions extends LoadStackOptions {
  /** `stackDigest` of the JSON the deploy step validated (`EKS_KIT_STACK_SHA256`). */
  digest?: string;
}

/**
 * Load and validate the stack; an invalid stack throws the stack package's `InvalidInputError`
 * naming the source and the field (`ssm:/eks-kit/prod/stack: cluster.region: expected ...`).
 *
 * @example
 * ```ts
 * const stack = await loadStackFromSource(clients, { kind: 'parameter', name: '/eks-kit/prod/stack' });
 * stack.cluster.name; // 'prod'
 * ```
 */
export async function loadStackFromSource(
  clients: AwsClients,
  source: StackSource,
  options: LoadStackOptions = {},
): Promise<Stack> {
  const digest = source.digest === undefined ? {} : { digest: source.digest };
  if (source.kind === 'inline')
    return parseStackText(source.text, 'EKS_KIT_STACK', { ...options, ...digest });
  const text = await readParameter(clients, source.name);
  return parseStackText(text, `ssm:${source.name}`, { ...options, ...digest });
}

/**
 * A stack's text as a {@link Stack}: the JSON the deploy step validated (its digest matches) as it
 * is; any other JSON, or YAML (the first character that is not a space is not `{`), validated in full
 * by the loader file, imported on demand.
 *
 * @example
 * ```ts
 * const stack = await parseStackText(env.EKS_KIT_STACK ?? '', 'EKS_KIT_STACK', { digest: env.EKS_KIT_STACK_SHA256 });
 * ```
 */
export async function parseStackText(
  text: string,
  sourceName: string,
  options: ParseStackTextOptions = {},
): Promise<Stack> {
  const json = /^\s*\{/.test(text);
  // The deploy step validated exactly this text with this eks-kit version.
  if (json && options.digest !== undefined && stackDigest(text) === options.digest)
    return JSON.parse(text) as Stack;
  if (!json)
    options.warn?.(
      `the stack in ${sourceName} is YAML: it is read until eks-kit 0.3; redeploy the checks (deploy:sam or render-template) to store it as JSON`,
    );
  const loader = await import('./stack-loader.js');
  try {
    if (json) return loader.parseStackJson(text, sourceName);
    const { data, ...where } = loader.readStackYaml(text, sourceName);
    return loader.validateStackData(data, where);
  } catch (error) {
    throw sameErrorHere(error);
  }
}

/**
 * `stack-loader.mjs` is built with its own copy of @eks-kit/core: its `InvalidInputError` is made again
 * from this file's class, so that callers' `instanceof` and exit codes hold.
 */
function sameErrorHere(error: unknown): unknown {
  if (error instanceof InvalidInputError || !(error instanceof Error) || error.name !== 'InvalidInputError')
    return error;
  const e = error as InvalidInputError;
  return new InvalidInputError(e.field, e.value, e.expected, {
    ...(e.location !== undefined ? { location: e.location } : {}),
    ...(e.hint !== undefined ? { hint: e.hint } : {}),
  });
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
