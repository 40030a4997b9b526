/** Field paths: `certificates[0].domainName` <-> `['certificates', 0, 'domainName']`. */

/** One step of a path into the stack document. */
export type PathSegment = string | number;

/**
 * Format a path the way error messages name fields.
 *
 * @example
 * ```ts
 * formatPath(['certificates', 0, 'domainName']); // 'certificates[0].domainName'
 * ```
 */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * Parse a field name back into a path (the inverse of {@link formatPath}); text after the last
 * recognisable segment is kept as one segment.
 *
 * @example
 * ```ts
 * parsePath('certificates[0].domainName'); // ['certificates', 0, 'domainName']
 * ```
 */
export function parsePath(field: string): PathSegment[] {
  const out: PathSegment[] = [];
  const re = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([A-Za-z_][A-Za-z0-9_-]*)/y;
  let index = 0;
  while (index < field.length) {
    re.lastIndex = index;
    const match = re.exec(field);
    if (!match) {
      out.push(field.slice(index));
      break;
    }
    if (match[1] !== undefined) out.push(Number(match[1]));
    else if (match[2] !== undefined) out.push(unquote(match[2]));
    else out.push(match[3]!);
    index = re.lastIndex;
  }
  return out;
}

/**
 * The text of a quoted path segment: JSON string escapes decoded, and any other backslash pair (a key
 * such as `x["\q"]` written by hand, which JSON refuses) taken as the character after the backslash.
 */
function unquote(body: string): string {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return body.replace(/\\(.)/gs, '$1');
  }
}
