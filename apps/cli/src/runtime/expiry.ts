/** A token's expiry in the user's terms: in how long, and when on their clock. */

/**
 * `in 11 h 59 min, at 2026-12-07 04:35 Asia/Tokyo (2026-12-06T19:35:00.000Z)`: the time left,
 * rounded down to minutes, then the local wall-clock time in `timeZone` (default: this machine's),
 * then the exact UTC instant. A past expiry reads `expired 5 min ago, at ...`.
 *
 * @example
 * ```ts
 * describeExpiry(new Date('2026-12-06T19:35:00Z'), new Date('2026-12-06T07:35:30Z'), 'Asia/Tokyo');
 * // 'in 11 h 59 min, at 2026-12-07 04:35 Asia/Tokyo (2026-12-06T19:35:00.000Z)'
 * ```
 */
export function describeExpiry(expiresAt: Date, now: Date = new Date(), timeZone?: string): string {
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  const leftMs = expiresAt.getTime() - now.getTime();
  const minutes = Math.floor(Math.abs(leftMs) / 60_000);
  const span =
    minutes >= 60
      ? `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`
      : `${minutes} min`;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(expiresAt)
      .map((p) => [p.type, p.value]),
  );
  const local = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${zone}`;
  const when = leftMs >= 0 ? `in ${span}` : `expired ${span} ago`;
  return `${when}, at ${local} (${expiresAt.toISOString()})`;
}
