/**
 * A tiny XML reader and writer, enough for the AWS XML protocols: elements, attributes, text,
 * entities (named and numeric), CDATA, comments and declarations. No namespaces processing:
 * `xmlns` is kept as a plain attribute.
 */

/** A parsed XML element. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text content directly inside this element (entities decoded). */
  text: string;
}

const START_TAG = /<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Decodes XML entities (`&amp;`, `&#42;`, `&#x2A;`).
 * @example decodeEntities('a &amp; b') // 'a & b'
 */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body.startsWith('#x')) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
    return NAMED_ENTITIES[body] ?? whole;
  });
}

/**
 * Escapes text for element content or attribute values.
 * @example escapeXml('<a & "b">') // '&lt;a &amp; &quot;b&quot;&gt;'
 */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;');
}

/** Error thrown on malformed XML. */
export class XmlSyntaxError extends Error {
  override name = 'XmlSyntaxError';
}

/**
 * Parses an XML document and returns its root element.
 * @example parseXml('<a><b>1</b><b>2</b></a>').children.length // 2
 */
export function parseXml(source: string): XmlElement {
  let pos = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (what: string): never => {
    throw new XmlSyntaxError(`${what} at offset ${pos}`);
  };
  while (pos < source.length) {
    const lt = source.indexOf('<', pos);
    const textEnd = lt === -1 ? source.length : lt;
    if (textEnd > pos) {
      const raw = source.slice(pos, textEnd);
      const top = stack[stack.length - 1];
      if (top) top.text += decodeEntities(raw);
      else if (raw.trim() !== '') fail('text outside the root element');
    }
    if (lt === -1) break;
    pos = lt;
    if (source.startsWith('<?', pos)) {
      const end = source.indexOf('?>', pos);
      if (end === -1) fail('unterminated declaration');
      pos = end + 2;
    } else if (source.startsWith('<!--', pos)) {
      const end = source.indexOf('-->', pos);
      if (end === -1) fail('unterminated comment');
      pos = end + 3;
    } else if (source.startsWith('<![CDATA[', pos)) {
      const end = source.indexOf(']]>', pos);
      if (end === -1) fail('unterminated CDATA');
      const top = stack[stack.length - 1];
      if (!top) fail('CDATA outside the root element');
      else top.text += source.slice(pos + 9, end);
      pos = end + 3;
    } else if (source.startsWith('<!', pos)) {
      const end = source.indexOf('>', pos);
      if (end === -1) fail('unterminated doctype');
      pos = end + 1;
    } else if (source.startsWith('</', pos)) {
      const end = source.indexOf('>', pos);
      if (end === -1) fail('unterminated end tag');
      const name = source.slice(pos + 2, end).trim();
      const top = stack.pop();
      if (!top || top.name !== name) fail(`unexpected end tag </${name}>`);
      pos = end + 1;
    } else {
      START_TAG.lastIndex = pos;
      const match = START_TAG.exec(source);
      if (!match) fail('malformed start tag');
      const [whole, name, attrText, selfClose] = match as RegExpExecArray;
      const attributes: Record<string, string> = {};
      for (const a of (attrText ?? '').matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        attributes[a[1] as string] = decodeEntities(a[2] ?? a[3] ?? '');
      }
      const element: XmlElement = { name: name as string, attributes, children: [], text: '' };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) fail('second root element');
      else root = element;
      if (!selfClose) stack.push(element);
      pos += whole.length;
    }
  }
  if (stack.length > 0) fail(`unclosed element <${stack[stack.length - 1]?.name}>`);
  if (!root) fail('no root element');
  return root as XmlElement;
}

/**
 * First child element with that name.
 * @example childText(parseXml('<a><b>x</b></a>'), 'b') // 'x'
 */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

/**
 * All child elements with that name.
 * @example children(parseXml('<a><b/><b/></a>'), 'b').length // 2
 */
export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((c) => c.name === name) : [];
}

/**
 * Text of the first child with that name, or undefined when there is no such child.
 * @example childText(parseXml('<a><b>x</b></a>'), 'b') // 'x'
 */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  return child(element, name)?.text;
}

/** A list serialized as `<Wrapper><member>..</member></Wrapper>` with an explicit member name. */
export class XmlList {
  constructor(
    readonly member: string,
    readonly items: readonly unknown[],
    /** Flattened lists repeat the member element without a wrapper. */
    readonly flattened = false,
  ) {}
}

/** A map serialized as `<entry><key>..</key><value>..</value></entry>` (awsQuery maps). */
export class XmlMap {
  constructor(
    readonly entries: Record<string, unknown>,
    readonly keyName = 'key',
    readonly valueName = 'value',
  ) {}
}

/** Text content written as is (already XML), for rare hand-built fragments. */
export class XmlRaw {
  constructor(readonly xml: string) {}
}

/**
 * Marks a list with an explicit member element name (restXml: `<HostedZones><HostedZone>`).
 * @example xmlList('HostedZone', zones)
 */
export function xmlList(member: string, items: readonly unknown[]): XmlList {
  return new XmlList(member, items);
}

/**
 * Marks a map for `<entry><key/><value/></entry>` serialization.
 * @example xmlMap({ Roles: 3 })
 */
export function xmlMap(entries: Record<string, unknown>): XmlMap {
  return new XmlMap(entries);
}

/**
 * Serializes a JS value as XML element content. Objects become child elements in key order;
 * arrays use `defaultMember` (`member` in awsQuery, `item` in EC2); `undefined`/`null` are
 * omitted; Dates are ISO 8601; booleans `true`/`false`.
 * @example toXml({ Arn: 'a', Tags: [{ Key: 'k' }] }, 'member') // '<Arn>a</Arn><Tags><member><Key>k</Key></member></Tags>'
 */
export function toXml(value: unknown, defaultMember = 'member'): string {
  if (value === undefined || value === null) return '';
  if (value instanceof XmlRaw) return value.xml;
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object') return escapeXml(String(value));
  if (Array.isArray(value)) return value.map((v) => element(defaultMember, v, defaultMember)).join('');
  if (value instanceof XmlList)
    return value.items.map((v) => element(value.member, v, defaultMember)).join('');
  if (value instanceof XmlMap) {
    return Object.entries(value.entries)
      .map(
        ([k, v]) =>
          `<entry>${element(value.keyName, k, defaultMember)}${element(value.valueName, v, defaultMember)}</entry>`,
      )
      .join('');
  }
  let out = '';
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    if (v instanceof XmlList && v.flattened) out += toXml(v, defaultMember);
    else out += element(key, v, defaultMember);
  }
  return out;
}

/**
 * One element `<name>content</name>` with optional attributes.
 * @example element('a', 'x') // '<a>x</a>'
 */
export function element(
  name: string,
  value: unknown,
  defaultMember = 'member',
  attributes: Record<string, string> = {},
): string {
  const attrs = Object.entries(attributes)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  return `<${name}${attrs}>${toXml(value, defaultMember)}</${name}>`;
}
