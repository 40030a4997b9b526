/**
 * The store of the previous run's failures: one SSM Parameter Store parameter per stack
 * (`/eks-kit/<stack>/checks-state`, created by the deploy template), read with GetParameter and
 * written with PutParameter (`Intelligent-Tiering`: a Standard parameter, free, while the state
 * fits in 4 KB; Advanced, $0.05 a month, up to 8 KB).
 */
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { type AwsClients, wrapAwsError } from '@eks-kit/core';
import { type CheckState, type KeptFailure, parseCheckState } from './finding-state.js';

/** Advanced parameters hold 8,192 characters (SSM quotas). */
export const STATE_MAX_CHARS = 8_192;

/**
 * Read the previous state; a missing parameter, the template's initial `{}` or an unreadable value
 * is `undefined` (the run is a first run).
 *
 * @example
 * ```ts
 * const previous = await readCheckState(clients, '/eks-kit/prod/checks-state');
 * ```
 */
export async function readCheckState(clients: AwsClients, name: string): Promise<CheckState | undefined> {
  const ssm = await clients.ssm();
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: name }));
    return parseCheckState(out.Parameter?.Value);
  } catch (error) {
    if ((error as { name?: string }).name === 'ParameterNotFound') return undefined;
    throw wrapAwsError(error, 'ssm:GetParameter', name);
  }
}

/**
 * The state as stored: JSON of at most {@link STATE_MAX_CHARS}; past that the last failures of the
 * biggest target are left out (`dropped` says how many: they are announced as new at the next run).
 *
 * @example
 * ```ts
 * serializeCheckState(state).text.length <= 8192; // true
 * ```
 */
export function serializeCheckState(state: CheckState): { text: string; dropped: number } {
  const copy: CheckState = {
    ...state,
    targets: Object.fromEntries(Object.entries(state.targets).map(([k, v]) => [k, [...v]])),
  };
  let dropped = 0;
  let text = JSON.stringify(copy);
  while (text.length > STATE_MAX_CHARS) {
    const biggest = Object.values(copy.targets).reduce<KeptFailure[] | undefined>(
      (max, rows) => (!max || rows.length > max.length ? rows : max),
      undefined,
    );
    if (!biggest || biggest.length === 0) break;
    biggest.pop();
    dropped++;
    text = JSON.stringify(copy);
  }
  return { text, dropped };
}

/**
 * Write the state (PutParameter, Overwrite, Intelligent-Tiering).
 *
 * @example
 * ```ts
 * await writeCheckState(clients, '/eks-kit/prod/checks-state', state);
 * ```
 */
export async function writeCheckState(
  clients: AwsClients,
  name: string,
  state: CheckState,
): Promise<{ dropped: number }> {
  const ssm = await clients.ssm();
  const { text, dropped } = serializeCheckState(state);
  try {
    await ssm.send(
      new PutParameterCommand({
        Name: name,
        Value: text,
        Type: 'String',
        Overwrite: true,
        Tier: 'Intelligent-Tiering',
      }),
    );
  } catch (error) {
    throw wrapAwsError(error, 'ssm:PutParameter', name);
  }
  return { dropped };
}
