/**
 * The control API under `/_emulator/`: seed, faults, calls, reset, behaviour, clock, health.
 */
import type { CallFilter, World } from '../types.js';
import type { Runtime } from './runtime.js';
import type { HttpRequest, HttpResponse } from './service.js';

function json(status: number, value: unknown): HttpResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: `${JSON.stringify(value)}\n` };
}

function readJson(request: HttpRequest): unknown {
  const text = request.body.toString('utf8').trim();
  return text === '' ? undefined : JSON.parse(text);
}

/** Seed and reset as the Emulator does them (it remembers the world that reset returns to). */
export interface ControlHooks {
  reset(): void;
  seed(world: World): void;
}

/**
 * Serves `/_emulator/...`. Errors are JSON `{ "error": message }` with 400/404.
 * @example await control(runtime, hooks, request) // GET /_emulator/health -> { ok: true }
 */
export function control(runtime: Runtime, hooks: ControlHooks, request: HttpRequest): HttpResponse {
  const route = `${request.method.toUpperCase()} ${request.path.replace(/\/+$/, '')}`;
  try {
    switch (route) {
      case 'GET /_emulator/health':
        return json(200, {
          ok: true,
          services: runtime.modules.map((m) => m.signingName),
          accountId: runtime.accountId,
          region: runtime.region,
          now: new Date(runtime.clock.now()).toISOString(),
          speed: runtime.clock.speed,
        });
      case 'POST /_emulator/seed':
        hooks.seed((readJson(request) ?? {}) as World);
        return json(200, { ok: true });
      case 'POST /_emulator/faults':
        runtime.faults.set((readJson(request) ?? []) as never);
        return json(200, { ok: true, faults: runtime.faults.list() });
      case 'GET /_emulator/faults':
        return json(200, runtime.faults.list());
      case 'GET /_emulator/calls': {
        const filter: CallFilter = {};
        const q = request.query;
        if (q.get('service')) filter.service = q.get('service') as string;
        if (q.get('operation')) filter.operation = q.get('operation') as string;
        if (q.get('mutating')) filter.mutating = q.get('mutating') === 'true';
        return json(200, runtime.log.list(filter));
      }
      case 'DELETE /_emulator/calls':
        runtime.log.clear();
        return json(200, { ok: true });
      case 'POST /_emulator/reset':
        hooks.reset();
        return json(200, { ok: true });
      case 'GET /_emulator/behaviour':
        return json(200, runtime.behaviour);
      case 'POST /_emulator/behaviour':
        Object.assign(runtime.behaviour, (readJson(request) ?? {}) as object);
        return json(200, runtime.behaviour);
      case 'POST /_emulator/clock/advance': {
        const seconds = Number((readJson(request) as { seconds?: unknown } | undefined)?.seconds);
        if (!(seconds >= 0)) return json(400, { error: 'body must be {"seconds": <non-negative number>}' });
        runtime.clock.advance(seconds * 1000);
        return json(200, { now: new Date(runtime.clock.now()).toISOString() });
      }
      default:
        return json(404, { error: `no control endpoint ${route}` });
    }
  } catch (err) {
    return json(400, { error: (err as Error).message });
  }
}
