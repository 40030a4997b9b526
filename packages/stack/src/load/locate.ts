/** Find the `file:line` of a field in a parsed YAML document. */
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { PathSegment } from './field-path.js';

export { valueAt } from './locate-value.js';

/** A parsed stack file: the YAML document, its line counter and the file name for messages. */
export interface SourceFile {
  fileName: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

function lineOf(source: SourceFile, node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  if (!range) return undefined;
  return source.lineCounter.linePos(range[0]).line;
}

/**
 * The line of the deepest node of `path` that exists in the document: the key's line for a map
 * entry, the item's line for a list item, the parent's line for a missing key.
 *
 * @example
 * ```ts
 * lineOfPath(source, ['certificates', 0, 'domainName']); // 12
 * ```
 */
export function lineOfPath(source: SourceFile, path: readonly PathSegment[]): number {
  let node: unknown = source.doc.contents;
  let line = lineOf(source, node) ?? 1;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment),
      );
      if (!pair) return line;
      line = lineOf(source, pair.key) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) return line;
      line = lineOf(source, item) ?? line;
      node = item;
    } else {
      return line;
    }
  }
  return line;
}

/**
 * `file:line` of a field, for {@link InvalidInputError}'s `location`.
 *
 * @example
 * ```ts
 * locationOf(source, ['cluster', 'region']); // 'eks-kit.yaml:4'
 * ```
 */
export function locationOf(source: SourceFile, path: readonly PathSegment[]): string {
  return `${source.fileName}:${lineOfPath(source, path)}`;
}
