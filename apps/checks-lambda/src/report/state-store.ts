/**
 * The store of the previous run's failures: one SSM Parameter Store parameter per stack
 * (`/eks-kit/<stack>/checks-state`, created by the deploy template), read with GetParameter and
 * written with PutParameter (`Intelligent-Tiering`: a Standard parameter, free, while the state
 * fits in 4 KB; Advanced, $0.05 a month, up to 8 KB: SSM quotas, "Parameter value size"). With
 * organisation targets (thousands of accounts) the state is an object in the run bucket instead
 * (`state/checks-state.json`, no practical size limit), and the parameter keeps the last run's time.
 */
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { type AwsClients, EksKitError, wrapAwsError } from '@eks-kit/core/clients';
import { type CheckState, type KeptFailure, parseCheckState } from '@eks-kit/stack/stored';
import { getJson, putJson } from '../run/run-store.js';

/**
 * The state as this function keeps it: the shared {@link CheckState} (which `eks-kit check --checker`
 * reads too) and, for organisation runs, the `timing` of the last run that checked a target
 * (report/run-timing.ts; other readers ignore it). Read back as stored, unchecked: the plan validates it
 * (`readRunTiming`) and warns when it is malformed.
 */
export type StoredCheckState = CheckState & { timing?: unknown };

/** The parsed state with the stored `timing` entry, when the JSON has one. */
function withStoredTiming(state: CheckState | undefined, raw: unknown): StoredCheckState | undefined {
  if (!state || typeof raw !== 'object' || raw === null || !('timing' in raw)) return state;
  return { ...state, timing: (raw as { timing: unknown }).timing };
}

function parseJson(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

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
export async function readCheckState(
  clients: AwsClients,
  name: string,
): Promise<StoredCheckState | undefined> {
  const ssm = await clients.ssm();
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: name }));
    const text = out.Parameter?.Value;
    return withStoredTiming(parseCheckState(text), parseJson(text));
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
export function serializeCheckState(state: StoredCheckState): { text: string; dropped: number } {
  const copy: StoredCheckState = {
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
  state: StoredCheckState,
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

/** Key of the state in the run bucket (a split run over an organisation). */
export const STATE_OBJECT_KEY = 'state/checks-state.json';

/**
 * Read the previous state from the run bucket (`state/checks-state.json`); a missing or unreadable
 * object is `undefined` (a first run). An S3 object has no size limit that matters here (5 GB in one
 * PUT), so an organisation's thousands of targets keep all their failures, where the SSM parameter
 * holds 8 KB (about 40 to 60 failures).
 *
 * @example
 * ```ts
 * const previous = await readCheckStateObject(clients, 'eks-kit-checks-prod-runs');
 * ```
 */
export async function readCheckStateObject(
  clients: AwsClients,
  bucket: string,
): Promise<StoredCheckState | undefined> {
  const value = await getJson(clients, bucket, STATE_OBJECT_KEY).catch((error: unknown) => {
    if (error instanceof EksKitError && error.code === 'InvalidInput') return undefined;
    throw error;
  });
  return value === undefined ? undefined : withStoredTiming(parseCheckState(JSON.stringify(value)), value);
}

/**
 * Write the state to the run bucket, whole (nothing dropped), and, when `parameter` is given, the
 * last run's time to the SSM parameter, where `eks-kit check --checker` reads it (the parameter's
 * `targets` are then empty and `stateObject` says where the failures are).
 *
 * @example
 * ```ts
 * await writeCheckStateObject(clients, 'eks-kit-checks-prod-runs', state, '/eks-kit/prod/checks-state');
 * ```
 */
export async function writeCheckStateObject(
  clients: AwsClients,
  bucket: string,
  state: StoredCheckState,
  parameter?: string,
): Promise<{ dropped: number; bytes: number }> {
  const bytes = await putJson(clients, bucket, STATE_OBJECT_KEY, state);
  if (parameter !== undefined) {
    const heartbeat = {
      v: 1,
      lastRunAt: state.lastRunAt,
      ...(state.remindedAt ? { remindedAt: state.remindedAt } : {}),
      targets: {},
      stateObject: `s3://${bucket}/${STATE_OBJECT_KEY}`,
    };
    const ssm = await clients.ssm();
    try {
      await ssm.send(
        new PutParameterCommand({
          Name: parameter,
          Value: JSON.stringify(heartbeat),
          Type: 'String',
          Overwrite: true,
          Tier: 'Intelligent-Tiering',
        }),
      );
    } catch (error) {
      throw wrapAwsError(error, 'ssm:PutParameter', parameter);
    }
  }
  return { dropped: 0, bytes };
}
