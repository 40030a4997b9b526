import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  createRateLimiter,
  EksKitError,
  mapConcurrent,
  poll,
  type RateLimiterClock,
  sleep,
} from '../src/index.js';

describe('backoffDelay', () => {
  it('grows by the factor up to the cap', () => {
    const o = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, o))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('draws jitter below the base delay', () => {
    const o = { initialDelayMs: 1000, maxDelayMs: 1000, factor: 2, jitter: 0.5 };
    expect(backoffDelay(1, { ...o, random: () => 0 })).toBe(500);
    expect(backoffDelay(1, { ...o, random: () => 1 })).toBe(1000);
  });
});

describe('poll', () => {
  it('returns the value once done, attempting immediately first', async () => {
    const seen: number[] = [];
    const value = await poll(
      async (attempt) => {
        seen.push(attempt);
        return attempt === 3
          ? { done: true, value: 'ISSUED' }
          : { done: false, status: 'PENDING_VALIDATION' };
      },
      { initialDelayMs: 1, maxDelayMs: 2 },
    );
    expect(value).toBe('ISSUED');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('reports progress before each wait', async () => {
    const statuses: (string | undefined)[] = [];
    await poll(async (a) => (a > 2 ? { done: true, value: 1 } : { done: false, status: `s${a}` }), {
      initialDelayMs: 1,
      onAttempt: (i) => statuses.push(i.status),
    });
    expect(statuses).toEqual(['s1', 's2']);
  });

  it('asks nextDelayMs for each delay, with the attempt and the time since the first attempt', async () => {
    const asked: Array<{ attempt: number; elapsedMs: number }> = [];
    const delays: number[] = [];
    await poll(async (a) => (a > 3 ? { done: true, value: 1 } : { done: false }), {
      initialDelayMs: 60_000, // ignored: nextDelayMs replaces the backoff
      nextDelayMs: (info) => {
        asked.push(info);
        return info.attempt * 2;
      },
      onAttempt: (i) => delays.push(i.delayMs),
    });
    expect(asked.map((i) => i.attempt)).toEqual([1, 2, 3]);
    expect(delays).toEqual([2, 4, 6]);
    for (const [i, info] of asked.entries())
      if (i > 0) expect(info.elapsedMs).toBeGreaterThanOrEqual(asked[i - 1]!.elapsedMs);
  });

  it('times out with the last status and a hint', async () => {
    const error = await poll(async () => ({ done: false, status: 'PENDING_VALIDATION' }), {
      timeoutMs: 20,
      initialDelayMs: 5,
      description: 'certificate x to be issued',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EksKitError);
    expect((error as EksKitError).code).toBe('Timeout');
    expect((error as EksKitError).message).toContain(
      'certificate x to be issued (last status: PENDING_VALIDATION)',
    );
  });

  it('fails fast when the check throws', async () => {
    let calls = 0;
    await expect(
      poll(async () => {
        calls++;
        throw new EksKitError('CertificateFailed', 'CAA_ERROR');
      }),
    ).rejects.toThrow('CAA_ERROR');
    expect(calls).toBe(1);
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    const pending = poll(async () => ({ done: false }), {
      initialDelayMs: 10_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new EksKitError('Aborted', 'user pressed ctrl-c')), 5);
    await expect(pending).rejects.toThrow('user pressed ctrl-c');
    await expect(sleep(10, AbortSignal.abort())).rejects.toBeDefined();
  });
});

describe('mapConcurrent and the rate limiter', () => {
  it('keeps order and bounds concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapConcurrent([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(2);
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(peak).toBe(3);
  });

  it('lets a burst through, then spaces acquisitions (order)', async () => {
    const limiter = createRateLimiter({ ratePerSecond: 1000, burst: 5 });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(async (i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(() => createRateLimiter({ ratePerSecond: 0 })).toThrow('positive');
  });
});

/** A fake clock: `sleep` advances `now` at once and records the delay asked for. */
function fakeClock(start = 1_000_000): RateLimiterClock & { sleeps: number[]; advance(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
    async sleep(ms: number, signal?: AbortSignal) {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('createRateLimiter spacing (injected clock)', () => {
  it('lets `burst` through at once, then one every 1/rate seconds', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, burst: 5, clock });
    const at: number[] = [];
    await Promise.all(Array.from({ length: 8 }, () => limiter.acquire().then(() => at.push(clock.now()))));
    const t0 = 1_000_000;
    expect(at.map((t) => t - t0)).toEqual([0, 0, 0, 0, 0, 100, 200, 300]);
    expect(clock.sleeps).toEqual([100, 100, 100]);
  });

  it('holds the average rate over a long run (1/s: 60 acquisitions after the burst take 60 s)', async () => {
    const clock = fakeClock(0);
    const limiter = createRateLimiter({ ratePerSecond: 1, clock });
    for (let i = 0; i < 61; i++) await limiter.acquire();
    expect(clock.now()).toBe(60_000);
    expect(new Set(clock.sleeps)).toEqual(new Set([1_000]));
  });

  it('refills while idle, never above `burst`', async () => {
    const clock = fakeClock(0);
    const limiter = createRateLimiter({ ratePerSecond: 4, burst: 2, clock });
    await limiter.acquire();
    await limiter.acquire();
    expect(clock.sleeps).toEqual([]);
    clock.advance(10_000); // idle long enough for 40 tokens: the bucket holds 2
    await limiter.acquire();
    await limiter.acquire();
    expect(clock.sleeps).toEqual([]);
    await limiter.acquire();
    expect(clock.sleeps).toEqual([250]);
  });

  it('an aborted wait rejects that caller only; the next one still gets its turn', async () => {
    const clock = fakeClock(0);
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 1, clock });
    await limiter.acquire();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(limiter.acquire(controller.signal)).rejects.toThrow('stop');
    await limiter.acquire();
    expect(clock.now()).toBe(1_000);
  });
});
