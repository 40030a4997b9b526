/** "Did you mean" for unknown keys: the known key nearest by edit distance. */

/**
 * Levenshtein distance between two strings (case-insensitive).
 *
 * @example
 * ```ts
 * editDistance('domain', 'domainName'); // 4
 * ```
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_, i) => i);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[t.length]!;
}

/**
 * The known key nearest to an unknown one, or undefined when none is close (more than half the
 * length away, unless one contains the other).
 *
 * @example
 * ```ts
 * nearestKey('subjectAltNames', ['domainName', 'subjectAlternativeNames']); // 'subjectAlternativeNames'
 * ```
 */
export function nearestKey(unknown: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const key of known) {
    const contains =
      key.toLowerCase().includes(unknown.toLowerCase()) || unknown.toLowerCase().includes(key.toLowerCase());
    const distance = contains ? Math.min(editDistance(unknown, key), 2) : editDistance(unknown, key);
    if (distance < bestDistance) {
      best = key;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  return bestDistance <= Math.max(2, Math.ceil(unknown.length / 2)) ? best : undefined;
}
