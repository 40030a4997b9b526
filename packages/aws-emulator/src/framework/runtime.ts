/**
 * The emulator's mutable runtime: world, per-service state, clock, random sources, faults,
 * identities, rate quotas, behaviour and the call log. Shared by the dispatcher and the control API.
 */
import type { Behaviour, World } from '../types.js';
import { type CallLog, createCallLog } from './call-log.js';
import { type Clock, createClock } from './clock.js';
import { createFaults, type Faults } from './faults.js';
import { createIdentities, type Identities } from './identities.js';
import { createRandom, type RandomSource } from './random.js';
import { createRateQuotas, type RateQuotas } from './rate-quota.js';
import type { AnyServiceModule } from './service.js';

/** Everything a request handler or the control API touches. */
export interface Runtime {
  readonly modules: readonly AnyServiceModule[];
  readonly clock: Clock;
  readonly log: CallLog;
  readonly faults: Faults;
  readonly quotas: RateQuotas;
  readonly behaviour: Behaviour;
  random: RandomSource;
  world: World;
  accountId: string;
  region: string;
  identities: Identities;
  /** The default account's per-service state. */
  states: Map<string, unknown>;
  /** The per-service state of each extra account of `world.accounts`. */
  accountStates: Map<string, Map<string, unknown>>;
  /** The state map serving `accountId`: its own when it is an extra account, else the default one. */
  statesFor(accountId: string): Map<string, unknown>;
  /** The account whose state serves `accountId` (the default account for unknown ones). */
  servingAccount(accountId: string): string;
  /** True when the world declares extra accounts. */
  multiAccount(): boolean;
  /** Replaces all state with a fresh one built from `world`. */
  seed(world: World): void;
}

/** Options of {@link createRuntime}. */
export interface RuntimeOptions {
  modules: readonly AnyServiceModule[];
  speed: number;
  world: World;
  behaviour: Behaviour;
  randomSeed: number;
  startTime?: number;
}

/**
 * Builds the runtime and seeds it.
 * @example const rt = createRuntime({ modules: services, speed: 1000, world: {}, behaviour: {}, randomSeed: 1 })
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const clock = createClock(options.speed, options.startTime);
  const behaviour: Behaviour = {};
  for (const m of options.modules) Object.assign(behaviour, m.behaviourDefaults ?? {});
  Object.assign(behaviour, options.behaviour);
  const runtime: Runtime = {
    modules: options.modules,
    clock,
    log: createCallLog(),
    faults: createFaults(createRandom(options.randomSeed ^ 0x5eed5eed)),
    quotas: createRateQuotas(clock),
    behaviour,
    random: createRandom(options.randomSeed),
    world: {},
    accountId: '123456789012',
    region: 'us-east-1',
    identities: createIdentities({}, '123456789012'),
    states: new Map(),
    accountStates: new Map(),
    statesFor(accountId) {
      return runtime.accountStates.get(accountId) ?? runtime.states;
    },
    servingAccount(accountId) {
      return runtime.accountStates.has(accountId) ? accountId : runtime.accountId;
    },
    multiAccount() {
      return runtime.accountStates.size > 0;
    },
    seed(world) {
      const accountId = world.accountId ?? '123456789012';
      if (!/^\d{12}$/.test(accountId)) throw new TypeError('world.accountId must be 12 digits');
      runtime.world = structuredClone(world);
      runtime.accountId = accountId;
      runtime.region = world.region ?? 'us-east-1';
      runtime.random = createRandom(options.randomSeed);
      runtime.identities = createIdentities(world.identities ?? {}, accountId);
      runtime.quotas.clear();
      const states = new Map<string, unknown>();
      const context = {
        accountId,
        region: runtime.region,
        clock,
        random: runtime.random,
        behaviour,
      };
      for (const m of options.modules) states.set(m.signingName, m.createState(runtime.world, context));
      runtime.states = states;
      const accountStates = new Map<string, Map<string, unknown>>();
      for (const [id, account] of Object.entries(runtime.world.accounts ?? {})) {
        if (!/^\d{12}$/.test(id)) throw new TypeError(`world.accounts key ${id} must be 12 digits`);
        if (id === accountId) throw new TypeError(`world.accounts must not repeat the default account ${id}`);
        // Each account draws its seeded ids from its own stream, so zone and role ids never collide.
        const accountRandom = createRandom((options.randomSeed ^ Number(id.slice(-9))) >>> 0);
        const accountWorld: World = {
          ...account,
          accountId: id,
          region: runtime.region,
          ...(runtime.world.regions ? { regions: runtime.world.regions } : {}),
        };
        const map = new Map<string, unknown>();
        const accountContext = { ...context, accountId: id, random: accountRandom };
        for (const m of options.modules) map.set(m.signingName, m.createState(accountWorld, accountContext));
        accountStates.set(id, map);
      }
      runtime.accountStates = accountStates;
    },
  };
  runtime.seed(options.world);
  return runtime;
}
