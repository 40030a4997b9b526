/**
 * Fault rules: which requests get throttled, fail with a 5xx, or wait.
 */
import type { FaultRule } from '../types.js';
import type { RandomSource } from './random.js';

/** What to do to one request. */
export interface FaultDecision {
  /** Emulated milliseconds to wait before serving. */
  latencyMs: number;
  /** The error rule that hits this request, if any. */
  error?: FaultRule;
}

/** The live rule set. */
export interface Faults {
  set(rules: readonly FaultRule[]): void;
  list(): FaultRule[];
  /** Decides for one request; spends `count` of the rules that hit. */
  decide(service: string, operation: string): FaultDecision;
}

const KINDS = new Set(['throttle', 'error5xx', 'latency']);

/**
 * Checks a rule list (from a test or the control endpoint); throws TypeError on a bad rule.
 * @example validateFaultRules([{ service: 'iam', kind: 'throttle', count: 2 }])
 */
export function validateFaultRules(rules: unknown): FaultRule[] {
  if (!Array.isArray(rules)) throw new TypeError('faults must be an array of rules');
  return rules.map((rule, i) => {
    const r = rule as FaultRule;
    if (!r || typeof r !== 'object' || !KINDS.has(r.kind)) {
      throw new TypeError(`faults[${i}].kind must be throttle, error5xx or latency`);
    }
    if (r.probability !== undefined && !(r.probability >= 0 && r.probability <= 1)) {
      throw new TypeError(`faults[${i}].probability must be within [0, 1]`);
    }
    if (r.count !== undefined && !(Number.isInteger(r.count) && r.count >= 0)) {
      throw new TypeError(`faults[${i}].count must be a non-negative integer`);
    }
    return { ...r };
  });
}

/**
 * Creates the rule set; probabilistic rules draw from `random` (reproducible from the seed).
 * @example const faults = createFaults(createRandom(7)); faults.set([{ kind: 'throttle', count: 1 }])
 */
export function createFaults(random: RandomSource): Faults {
  let rules: Array<FaultRule & { remaining?: number }> = [];
  return {
    set(next) {
      rules = validateFaultRules(next).map((r) => ({ ...r, remaining: r.count }));
    },
    list: () =>
      rules.map(({ remaining, ...r }) => ({
        ...r,
        ...(remaining !== undefined ? { count: remaining } : {}),
      })),
    decide(service, operation) {
      const decision: FaultDecision = { latencyMs: 0 };
      for (const rule of rules) {
        if (rule.service !== undefined && rule.service !== service) continue;
        if (rule.operation !== undefined && rule.operation !== operation) continue;
        if (rule.remaining !== undefined && rule.remaining <= 0) continue;
        if (rule.kind !== 'latency' && decision.error) continue;
        if (rule.probability !== undefined && rule.probability < 1 && random.next() >= rule.probability)
          continue;
        if (rule.remaining !== undefined) rule.remaining -= 1;
        if (rule.kind === 'latency') decision.latencyMs += rule.latencyMs ?? 1000;
        else decision.error = rule;
      }
      return decision;
    },
  };
}
