import { describe, expect, it } from 'vitest';
import { backoffDelay, createRateLimiter, EksKitError, mapConcurrent, poll, sleep } from '../src/index.js';

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

  it('lets a burst through, then spaces acquisitions', async () => {
    const limiter = createRateLimiter({ ratePerSecond: 1000, burst: 5 });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(async (i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(() => createRateLimiter({ ratePerSecond: 0 })).toThrow('positive');
  });
});
