import { describe, expect, it } from 'vitest';
import { decodeQueryParams } from '../src/framework/query-params.js';
import { signingScope } from '../src/framework/sigv4.js';
import { children, childText, parseXml, toXml, xmlList, xmlMap } from '../src/index.js';

describe('XML reader', () => {
  it('decodes entities, numeric references and CDATA; skips declarations and comments', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><A x="1&amp;2"><B>a &lt;b&gt; &amp; &quot;c&quot; &#42; &#x2A;</B><C><![CDATA[<raw & text>]]></C></A>',
    );
    expect(root.attributes.x).toBe('1&2');
    expect(childText(root, 'B')).toBe('a <b> & "c" * *');
    expect(childText(root, 'C')).toBe('<raw & text>');
  });

  it('keeps nested lists apart', () => {
    const root = parseXml(
      '<R><Sets><Set><Name>a</Name><Records><Record><V>1</V></Record><Record><V>2</V></Record></Records></Set><Set><Name>b</Name><Records/></Set></Sets></R>',
    );
    const sets = children(children(root, 'Sets')[0], 'Set');
    expect(sets.map((s) => childText(s, 'Name'))).toEqual(['a', 'b']);
    expect(children(children(sets[0], 'Records')[0], 'Record').map((r) => childText(r, 'V'))).toEqual([
      '1',
      '2',
    ]);
    expect(children(children(sets[1], 'Records')[0], 'Record')).toEqual([]);
  });

  it('refuses malformed documents', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(/unexpected end tag/);
    expect(() => parseXml('<a>')).toThrow(/unclosed/);
    expect(() => parseXml('')).toThrow(/no root/);
  });
});

describe('XML writer', () => {
  it('escapes text, writes member/item lists, named lists and entry maps, omits undefined', () => {
    expect(toXml({ A: 'x<&>"', B: undefined, L: ['1', '2'], D: new Date(0), T: true })).toBe(
      '<A>x&lt;&amp;&gt;&quot;</A><L><member>1</member><member>2</member></L><D>1970-01-01T00:00:00.000Z</D><T>true</T>',
    );
    expect(toXml({ S: [{ a: 1 }] }, 'item')).toBe('<S><item><a>1</a></item></S>');
    expect(toXml({ Zones: xmlList('Zone', [{ Id: 'Z' }]) })).toBe('<Zones><Zone><Id>Z</Id></Zone></Zones>');
    expect(toXml({ M: xmlMap({ k: 1 }) })).toBe('<M><entry><key>k</key><value>1</value></entry></M>');
  });
});

describe('awsQuery parameters', () => {
  it('nests member lists, numbered EC2 lists, entry maps and structures', () => {
    const params = new URLSearchParams(
      [
        'Action=X',
        'Version=1',
        'Tags.member.2.Key=b',
        'Tags.member.1.Key=a',
        'Tags.member.1.Value=1',
        'Filter.1.Name=tag-key',
        'Filter.1.Value.1=k',
        'Attrs.entry.1.key=x',
        'Attrs.entry.1.value=y',
        'Empty=',
        'Cfg.Inner.Flag=true',
        '__proto__.polluted=1',
      ].join('&'),
    );
    expect(decodeQueryParams(params)).toEqual({
      Tags: [{ Key: 'a', Value: '1' }, { Key: 'b' }],
      Filter: [{ Name: 'tag-key', Value: ['k'] }],
      Attrs: { x: 'y' },
      Empty: '',
      Cfg: { Inner: { Flag: 'true' } },
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('SigV4 scope', () => {
  it('reads the Authorization header and presigned X-Amz-Credential', () => {
    expect(
      signingScope(
        'AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=ab',
      ),
    ).toEqual({ accessKeyId: 'AKID', date: '20261126', region: 'us-east-1', service: 'iam' });
    expect(signingScope(undefined, 'AKID/20261126/eu-west-1/sts/aws4_request')?.region).toBe('eu-west-1');
    expect(signingScope('Basic abc')).toBeUndefined();
  });
});
