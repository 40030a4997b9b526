/**
 * Function length (issue 20 item 2: no function over 80 lines outside data literals), measured with
 * the TypeScript compiler API: for every function, method, constructor, accessor and arrow in a
 * source file, the lines of its span that hold code, not counting blank lines, comment-only lines
 * and the lines of data literals (object, array and template literals with no function inside:
 * tables, messages, SDK inputs written out). A nested function counts in its own right and in the
 * function around it, as ESLint's max-lines-per-function counts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** The limit: a function longer than this (in counted lines) fails the check. */
export const MAX_FUNCTION_LINES = 80;

/** One function and its counted length. */
export interface FunctionLength {
  /** `path:line` of the function, the path relative to the repository root. */
  where: string;
  /** The function's name, or `<anonymous>` / `<arrow>` with the enclosing name. */
  name: string;
  lines: number;
}

function containsFunction(node: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isFunctionLike(n)) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(node, visit);
  return found;
}

function isDataLiteral(node: ts.Node): boolean {
  return (
    (ts.isObjectLiteralExpression(node) ||
      ts.isArrayLiteralExpression(node) ||
      ts.isTemplateExpression(node) ||
      ts.isNoSubstitutionTemplateLiteral(node)) &&
    !containsFunction(node)
  );
}

function nameOf(node: ts.Node, source: ts.SourceFile): string {
  const named = node as { name?: ts.Node };
  if (named.name) return named.name.getText(source);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(source);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(source);
  return ts.isArrowFunction(node) ? '<arrow>' : '<anonymous>';
}

/**
 * The counted length of every function of one source text.
 *
 * @example
 * ```ts
 * functionLengths('a.ts', 'function f() {\n  return 1;\n}\n'); // [{ where: 'a.ts:1', name: 'f', lines: 3 }]
 * ```
 */
export function functionLengths(path: string, text: string): FunctionLength[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lines = text.split('\n');
  // Lines that hold code: not blank, not comment-only (a line inside a block comment included).
  const codeLine = new Array<boolean>(lines.length).fill(false);
  let inBlock = false;
  lines.forEach((raw, i) => {
    let line = raw.trim();
    if (inBlock) {
      const end = line.indexOf('*/');
      if (end < 0) return;
      inBlock = false;
      line = line.slice(end + 2).trim();
    }
    if (line.startsWith('/*') && !line.includes('*/')) {
      inBlock = true;
      return;
    }
    codeLine[i] = line !== '' && !line.startsWith('//') && !/^\/\*.*\*\/$/.test(line);
  });
  const dataLine = new Array<boolean>(lines.length).fill(false);
  const lineOf = (pos: number): number => source.getLineAndCharacterOfPosition(pos).line;
  const out: FunctionLength[] = [];
  const visit = (node: ts.Node): void => {
    if (isDataLiteral(node)) {
      // The first line also holds the code that uses the literal (`return {`, `foo([`): it counts.
      for (let l = lineOf(node.getStart(source)) + 1; l <= lineOf(node.getEnd()); l++) dataLine[l] = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const measure = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as { body?: ts.Node }).body) {
      const first = lineOf(node.getStart(source));
      const last = lineOf(node.getEnd());
      let count = 0;
      for (let l = first; l <= last; l++) if (codeLine[l] && !dataLine[l]) count++;
      out.push({ where: `${path}:${first + 1}`, name: nameOf(node, source), lines: count });
    }
    ts.forEachChild(node, measure);
  };
  measure(source);
  return out;
}

/** The TypeScript source files (not tests, not generated) under the given folders of the repository. */
export function sourceFiles(root: string, folders: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts') && !entry.endsWith('.test.ts'))
        files.push(full);
    }
  };
  for (const folder of folders) {
    try {
      walk(join(root, folder));
    } catch {
      // a folder a checkout does not have
    }
  }
  return files.map((f) => relative(root, f)).sort();
}

/**
 * Every function over {@link MAX_FUNCTION_LINES} in the given source files.
 *
 * @example
 * ```ts
 * longFunctions(root, sourceFiles(root, ['packages/core/src'])); // []
 * ```
 */
export function longFunctions(root: string, files: readonly string[]): FunctionLength[] {
  return files
    .flatMap((file) => functionLengths(file, readFileSync(join(root, file), 'utf8')))
    .filter((f) => f.lines > MAX_FUNCTION_LINES);
}
