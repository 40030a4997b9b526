/**
 * AWS Step Functions (awsJson1_0, `X-Amz-Target: AWSStepFunctions.<Op>`, signing name `states`): the
 * reads a tool needs to see how a scheduled state machine's last runs went, written from the Step
 * Functions API Reference.
 *
 * - DescribeStateMachine: `stateMachineArn`, `name`, `status` ACTIVE, `type`, `roleArn`, `definition`,
 *   `creationDate`.
 * - ListExecutions: the state machine's executions, most recent first (by `startDate`, as AWS sorts
 *   them), `statusFilter` (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE),
 *   `maxResults` 0-1000 (0 or absent: 100) and an opaque `nextToken`.
 * - A state machine that does not exist is `StateMachineDoesNotExist` (400); an ARN that is not a
 *   state machine ARN `InvalidArn`. Denied callers get `AccessDeniedException`.
 *
 * World: `stepfunctions: { stateMachines: [{ name, type?, roleArn?, definition?, executions?: [{ name?,
 * status, startedSecondsAgo?, stoppedSecondsAgo? }] }] }`, in the world's region.
 */
import { AwsError } from '../framework/errors.js';
import { defineService, type ServiceRequest } from '../framework/service.js';

/** An execution in the world. */
export interface ExecutionSeed {
  name?: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';
  /** Emulated seconds before the world was seeded (default 0). */
  startedSecondsAgo?: number;
  /** For a stopped execution: emulated seconds before the seed it stopped (default its start). */
  stoppedSecondsAgo?: number;
}

/** A state machine in the world. */
export interface StateMachineSeed {
  name: string;
  type?: 'STANDARD' | 'EXPRESS';
  roleArn?: string;
  definition?: unknown;
  executions?: ExecutionSeed[];
}

interface StoredExecution {
  arn: string;
  name: string;
  status: ExecutionSeed['status'];
  startDate: number;
  stopDate: number | undefined;
}

interface StoredMachine {
  arn: string;
  name: string;
  type: string;
  roleArn: string;
  definition: string;
  createdAt: number;
  executions: StoredExecution[];
}

/** Step Functions' state: state machines by ARN. */
export interface StepFunctionsState {
  machines: Map<string, StoredMachine>;
}

const ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):stateMachine:([A-Za-z0-9_-]{1,80})$/;

function machineOf(request: ServiceRequest<StepFunctionsState>): StoredMachine {
  const arn = String(request.input.stateMachineArn ?? '');
  if (!ARN.test(arn))
    throw new AwsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`, 400);
  const machine = request.state.machines.get(arn);
  if (!machine) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`, 400);
  return machine;
}

/** The Step Functions module. */
export const stepfunctions = defineService<StepFunctionsState>({
  signingName: 'states',
  protocol: { kind: 'json', targetPrefix: 'AWSStepFunctions', jsonVersion: '1.0' },
  createState(world, context) {
    const machines = new Map<string, StoredMachine>();
    const now = context.clock.now();
    const seeds = (world as { stepfunctions?: { stateMachines?: StateMachineSeed[] } }).stepfunctions
      ?.stateMachines;
    for (const seed of seeds ?? []) {
      const arn = `arn:aws:states:${context.region}:${context.accountId}:stateMachine:${seed.name}`;
      machines.set(arn, {
        arn,
        name: seed.name,
        type: seed.type ?? 'STANDARD',
        roleArn: seed.roleArn ?? `arn:aws:iam::${context.accountId}:role/${seed.name}`,
        definition: JSON.stringify(
          seed.definition ?? { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } },
        ),
        createdAt: now - 30 * 86_400_000,
        executions: (seed.executions ?? []).map((e) => {
          const name = e.name ?? context.random.uuid();
          const startDate = now - (e.startedSecondsAgo ?? 0) * 1000;
          return {
            arn: `arn:aws:states:${context.region}:${context.accountId}:execution:${seed.name}:${name}`,
            name,
            status: e.status,
            startDate,
            stopDate:
              e.status === 'RUNNING'
                ? undefined
                : now - (e.stoppedSecondsAgo ?? e.startedSecondsAgo ?? 0) * 1000,
          };
        }),
      });
    }
    return { machines };
  },
  operations: {
    DescribeStateMachine: {
      resource: (input) => String(input.stateMachineArn ?? '*'),
      handler(request) {
        const m = machineOf(request);
        return {
          stateMachineArn: m.arn,
          name: m.name,
          status: 'ACTIVE',
          type: m.type,
          roleArn: m.roleArn,
          definition: m.definition,
          creationDate: new Date(m.createdAt),
        };
      },
    },
    ListExecutions: {
      logInput: ['stateMachineArn', 'statusFilter', 'maxResults'],
      resource: (input) => String(input.stateMachineArn ?? '*'),
      handler(request) {
        const m = machineOf(request);
        const max = request.input.maxResults === undefined ? 100 : Number(request.input.maxResults);
        if (!Number.isInteger(max) || max < 0 || max > 1000) {
          throw new AwsError(
            'ValidationException',
            "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
            400,
          );
        }
        const size = max === 0 ? 100 : max;
        const filter =
          request.input.statusFilter === undefined ? undefined : String(request.input.statusFilter);
        const sorted = m.executions
          .filter((e) => filter === undefined || e.status === filter)
          .sort((a, b) => b.startDate - a.startDate);
        let start = 0;
        if (request.input.nextToken !== undefined) {
          const text = Buffer.from(String(request.input.nextToken), 'base64').toString('utf8');
          start = text.startsWith('emu:') ? Number(text.slice(4)) : Number.NaN;
          if (!Number.isInteger(start)) throw new AwsError('InvalidToken', 'Invalid Token', 400);
        }
        const page = sorted.slice(start, start + size);
        const next =
          start + size < sorted.length ? Buffer.from(`emu:${start + size}`).toString('base64') : undefined;
        return {
          executions: page.map((e) => ({
            executionArn: e.arn,
            stateMachineArn: m.arn,
            name: e.name,
            status: e.status,
            startDate: new Date(e.startDate),
            ...(e.stopDate !== undefined ? { stopDate: new Date(e.stopDate) } : {}),
          })),
          ...(next ? { nextToken: next } : {}),
        };
      },
    },
  },
});
