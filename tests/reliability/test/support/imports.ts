/**
 * Import specifiers of a source file, found by their syntax: `import ... from '<s>'`,
 * `export ... from '<s>'`, `import '<s>'`, `import('<s>')`, `require('<s>')`. Comments are blanked
 * first, so a TSDoc `@example` that shows an import is not counted as one.
 */

/** Blank out `//` and `/* *\/` comments, keeping strings and template literals intact. */
export function stripComments(source: string): string {
  let out = '';
  let i = 0;
  let quote: string | undefined;
  while (i < source.length) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (quote) {
      out += c;
      if (c === '\\') {
        out += next ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = undefined;
      i += 1;
    } else if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i += 1;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      if (c === "'" || c === '"' || c === '`') quote = c;
      out += c;
      i += 1;
    }
  }
  return out;
}

const PATTERNS = [
  /\b(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** The module specifiers a source file imports (comments ignored), in order, duplicates kept. */
export function importSpecifiers(source: string): string[] {
  const code = stripComments(source);
  const found: { at: number; spec: string }[] = [];
  for (const pattern of PATTERNS) {
    for (const match of code.matchAll(pattern))
      found.push({ at: match.index ?? 0, spec: match[1] as string });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.spec);
}
