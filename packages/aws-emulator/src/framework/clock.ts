/**
 * Emulated time: runs `speed` times faster than real time and can be advanced by hand.
 */

/** The emulated clock. */
export interface Clock {
  /** Emulated epoch milliseconds. */
  now(): number;
  /** Emulated now as a Date. */
  date(): Date;
  /** Emulated epoch ms `seconds` emulated seconds from now. */
  inSeconds(seconds: number): number;
  /** True once emulated `seconds` have passed since the emulated epoch ms `since`. */
  elapsed(since: number, seconds: number): boolean;
  /** Real milliseconds that `emulatedMs` take at the current speed. */
  realMs(emulatedMs: number): number;
  /** Waits `emulatedMs` emulated milliseconds (real time divided by speed). */
  sleep(emulatedMs: number): Promise<void>;
  /** Jumps emulated time forward. */
  advance(emulatedMs: number): void;
  /** Emulated time per real time. */
  readonly speed: number;
}

/**
 * Creates a clock starting at `startTime` (emulated epoch ms).
 * @example const clock = createClock(1000); clock.inSeconds(60) // now + 60 emulated s
 */
export function createClock(speed: number, startTime: number = Date.now()): Clock {
  if (!(speed > 0)) throw new RangeError(`speed must be > 0, got ${speed}`);
  const realStart = performance.now();
  let offset = 0;
  const now = (): number => Math.floor(startTime + (performance.now() - realStart) * speed + offset);
  return {
    speed,
    now,
    date: () => new Date(now()),
    inSeconds: (seconds) => now() + seconds * 1000,
    elapsed: (since, seconds) => now() - since >= seconds * 1000,
    realMs: (emulatedMs) => emulatedMs / speed,
    sleep: (emulatedMs) => new Promise((resolve) => setTimeout(resolve, Math.max(0, emulatedMs / speed))),
    advance: (emulatedMs) => {
      offset += Math.max(0, emulatedMs);
    },
  };
}
