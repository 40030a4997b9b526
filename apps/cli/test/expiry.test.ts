import { describe, expect, it } from 'vitest';
import { describeExpiry } from '../src/runtime/expiry.js';

// Issue 17: `ecr login` printed the token's expiry as given (an ISO instant); it says it in the
// user's terms: in how long, and when on their clock.
describe('describeExpiry', () => {
  const at = new Date('2026-12-06T19:35:00Z');
  it('says in how long, the local time in the zone, and the exact instant', () => {
    expect(describeExpiry(at, new Date('2026-12-06T07:35:30Z'), 'Asia/Tokyo')).toBe(
      'in 11 h 59 min, at 2026-12-07 04:35 Asia/Tokyo (2026-12-06T19:35:00.000Z)',
    );
    expect(describeExpiry(at, new Date('2026-12-06T19:00:00Z'), 'Europe/Berlin')).toBe(
      'in 35 min, at 2026-12-06 20:35 Europe/Berlin (2026-12-06T19:35:00.000Z)',
    );
  });
  it('says when it has expired', () => {
    expect(describeExpiry(at, new Date('2026-12-06T19:40:00Z'), 'UTC')).toBe(
      'expired 5 min ago, at 2026-12-06 19:35 UTC (2026-12-06T19:35:00.000Z)',
    );
  });
});
