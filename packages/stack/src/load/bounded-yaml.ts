/**
 * YAML for a stack file with its work bounded: every YAML-level failure (syntax, unresolved or
 * excessive aliases, collection keys, deep nesting, tags the stack schema has no use for) becomes an
 * {@link InvalidInputError} naming `file:line`, never a ReferenceError, a RangeError or a process
 * warning, and no input makes the parser's time or memory grow faster than the input.
 */
import { InvalidInputError } from '@eks-kit/core';
import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type YAMLError,
} from 'yaml';
import { formatPath, type PathSegment } from './field-path.js';

/** Deepest nesting of maps and lists accepted (the stack schema itself needs fewer than 8). */
export const MAX_YAML_DEPTH = 64;
/** Most aliases (`*name`) one stack file may use, each expansion counted (yaml's maxAliasCount). */
export const MAX_YAML_ALIASES = 100;
/** Most nodes (keys, values, list items) one stack file may hold. */
export const MAX_YAML_NODES = 100_000;

/** The YAML 1.2 core schema tags, the only ones a stack file can mean (`!!str 8080` and the like). */
const CORE_TAGS: ReadonlySet<string> = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

/** A parsed stack document, its line counter and its plain data. */
export interface BoundedYaml {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  data: unknown;
}

/**
 * Parse YAML text for a stack file, refusing what a stack file never needs before it can cost time,
 * memory or a stack overflow.
 *
 * @example
 * ```ts
 * parseYamlBounded('name: demo\n', 'eks-kit.yaml').data; // { name: 'demo' }
 * parseYamlBounded('name: *a\n', 'eks-kit.yaml');
 * // InvalidInputError "eks-kit.yaml:1: yaml: expected an alias to an anchor set earlier (&a), got \"*a\""
 * ```
 */
export function parseYamlBounded(text: string, fileName: string): BoundedYaml {
  const lineCounter = new LineCounter();
  const lineAt = (offset: number | undefined): number =>
    offset === undefined ? 1 : lineCounter.linePos(offset).line;
  const refuse = (offset: number | undefined, value: unknown, expected: string): InvalidInputError =>
    new InvalidInputError('yaml', value, expected, { location: `${fileName}:${lineAt(offset)}` });

  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      strict: true,
      // Only the core schema: no !!binary, !!set, !!omap, !!timestamp.
      schema: 'core',
      customTags: [],
      resolveKnownTags: false,
      merge: false,
    });
  } catch (error) {
    // The composer recurses; anything it throws (it reports most failures as errors) is refused here.
    throw refuse(undefined, error instanceof Error ? error.message : String(error), 'valid YAML');
  }
  const exhausted = doc.errors.find((e) => e.code === 'RESOURCE_EXHAUSTION');
  if (exhausted)
    throw refuse(exhausted.pos[0], 'hundreds of levels', `YAML nested at most ${MAX_YAML_DEPTH} levels deep`);
  const yamlError = doc.errors[0];
  if (yamlError) {
    const reason =
      yamlError.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?.*$/, '') ?? 'syntax error';
    throw duplicateKey(doc, yamlError, refuse(yamlError.pos[0], reason, 'valid YAML'));
  }
  const warning = doc.warnings[0];
  if (warning) {
    const reason = warning.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?.*$/, '') ?? 'warning';
    throw refuse(warning.pos[0], reason, 'YAML without tags or other features a stack file does not use');
  }

  // One iterative walk (no recursion, so no stack overflow): depth, node count, keys, tags, aliases.
  const anchors = new Set<string>();
  let nodes = 0;
  let aliases = 0;
  // An anchor counts once its node is complete (an entry `{ anchor }` pops after its children), so
  // an alias inside its own anchor (`&a [*a]`, a cycle) is refused like one to a later anchor.
  const stack: Array<{ node: unknown; depth: number } | { anchor: string }> = [
    { node: doc.contents, depth: 0 },
  ];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if ('anchor' in entry) {
      anchors.add(entry.anchor);
      continue;
    }
    const { node, depth } = entry;
    if (node === null || node === undefined) continue;
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) stack.push({ anchor });
    const offset = (node as Node).range?.[0];
    if (++nodes > MAX_YAML_NODES)
      throw refuse(offset, `more than ${MAX_YAML_NODES} nodes`, `at most ${MAX_YAML_NODES} YAML nodes`);
    if (depth > MAX_YAML_DEPTH)
      throw refuse(offset, depth, `YAML nested at most ${MAX_YAML_DEPTH} levels deep`);
    if (isAlias(node)) {
      // Nodes are visited in document order (the stack pops the first item first).
      if (!anchors.has(node.source))
        throw refuse(offset, `*${node.source}`, `an alias to an anchor set earlier (&${node.source})`);
      if (++aliases > MAX_YAML_ALIASES)
        throw refuse(offset, `more than ${MAX_YAML_ALIASES} aliases`, `at most ${MAX_YAML_ALIASES} aliases`);
      continue;
    }
    if (isScalar(node) || isCollection(node)) {
      if (node.tag !== undefined && !CORE_TAGS.has(node.tag))
        throw refuse(offset, node.tag, 'a value without a YAML tag (a stack file uses plain values only)');
    }
    if (isMap(node)) {
      const children: Array<{ node: unknown; depth: number }> = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key;
        if (key !== null && !isScalar(key)) {
          const keyOffset = (key as Node).range?.[0] ?? offset;
          throw refuse(
            keyOffset,
            isAlias(key) ? `*${key.source}` : 'a list or map as a key',
            'a plain key (a stack file has no list or map keys)',
          );
        }
        children.push({ node: key, depth: depth + 1 }, { node: pair.value, depth: depth + 1 });
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i], depth: depth + 1 });
    }
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) ?? {};
  } catch (error) {
    // The walk above refuses everything known to throw here; this keeps any other case one line.
    const message = error instanceof Error ? error.message : String(error);
    if (/alias/i.test(message))
      throw refuse(undefined, 'aliases that expand too far', `at most ${MAX_YAML_ALIASES} alias expansions`);
    throw refuse(undefined, message, 'valid YAML');
  }
  return { doc, lineCounter, data };
}

/**
 * `refused` (the YAML error as read), or for a duplicate key (yaml's DUPLICATE_KEY) the same error
 * named by the key's path (`autoscaler.namespace`), not `yaml`: it is about a field of the stack.
 *
 * @example
 * ```ts
 * duplicateKey(doc, doc.errors[0], refused).message;
 * // 'eks-kit.yaml:25: autoscaler.namespace: expected a key given once in its map, got "a second namespace"'
 * ```
 */
function duplicateKey(doc: Document.Parsed, error: YAMLError, refused: InvalidInputError): InvalidInputError {
  const path = error.code === 'DUPLICATE_KEY' ? keyPathAt(doc, error.pos[0]) : undefined;
  if (!path) return refused;
  return new InvalidInputError(
    formatPath(path),
    `a second ${String(path.at(-1))}`,
    'a key given once in its map',
    {
      ...(refused.location ? { location: refused.location } : {}),
      hint: 'keep one of the two',
    },
  );
}

/**
 * The path of the map key that starts at `offset` (where yaml reports a duplicate key), found with one
 * iterative walk of at most {@link MAX_YAML_NODES} nodes; undefined when no plain key starts there.
 *
 * @example
 * ```ts
 * const doc = parseDocument('a:\n  b: 1\n  b: 2\n', { uniqueKeys: true });
 * keyPathAt(doc, doc.errors[0]!.pos[0]); // ['a', 'b']
 * ```
 */
function keyPathAt(doc: Document.Parsed, offset: number): PathSegment[] | undefined {
  const stack: Array<{ node: unknown; path: PathSegment[] }> = [{ node: doc.contents, path: [] }];
  for (let visited = 0; stack.length > 0 && visited < MAX_YAML_NODES; visited++) {
    const { node, path } = stack.pop()!;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const keyPath = [...path, String(pair.key.value)];
        if (pair.key.range?.[0] === offset) return keyPath;
        stack.push({ node: pair.value, path: keyPath });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        stack.push({ node: item, path: [...path, index] });
      });
    }
  }
  return undefined;
}
