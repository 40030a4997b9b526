/**
 * A DNS server on 127.0.0.1 (UDP and TCP on one port) answering as the public internet would from
 * the world's public hosted zones: every account's, but a sub-zone only once its parent holds
 * matching NS records (`reachableZones`). Answers are final (no referrals): a resolver such as
 * Node's `dns.Resolver` pointed at it gets CNAME/A/TXT/NS answers, NODATA or NXDOMAIN.
 * The wire format (RFC 1035 sections 4.1-4.2) is small enough to write here: no dependency.
 */
import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import type { Runtime } from '../framework/runtime.js';
import { canonicalName, type Route53State, reachableZones } from '../services/route53.js';

const TYPES: Record<number, string> = {
  1: 'A',
  2: 'NS',
  5: 'CNAME',
  6: 'SOA',
  16: 'TXT',
  28: 'AAAA',
  257: 'CAA',
};
const CODES: Record<string, number> = Object.fromEntries(
  Object.entries(TYPES).map(([k, v]) => [v, Number(k)]),
);

/** A running DNS server. */
export interface DnsServer {
  /** The port, the same for UDP and TCP. */
  readonly port: number;
  close(): Promise<void>;
}

function encodeName(name: string): Buffer {
  const labels = canonicalName(name)
    .split('.')
    .filter((l) => l !== '');
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])),
    Buffer.from([0]),
  ]);
}

function readQuestion(msg: Buffer): { name: string; type: number; end: number } | undefined {
  let offset = 12;
  const labels: string[] = [];
  for (;;) {
    const len = msg[offset];
    if (len === undefined || len > 63) return undefined;
    offset += 1;
    if (len === 0) break;
    labels.push(msg.subarray(offset, offset + len).toString('ascii'));
    offset += len;
  }
  if (offset + 4 > msg.length) return undefined;
  return { name: `${labels.join('.').toLowerCase()}.`, type: msg.readUInt16BE(offset), end: offset + 4 };
}

function rdata(type: string, value: string): Buffer {
  if (type === 'A') return Buffer.from(value.split('.').map(Number));
  if (type === 'CNAME' || type === 'NS') return encodeName(value);
  if (type === 'TXT') {
    const text = value.replace(/^"|"$/g, '');
    return Buffer.concat([
      Buffer.from([Math.min(255, text.length)]),
      Buffer.from(text.slice(0, 255), 'utf8'),
    ]);
  }
  return Buffer.from(value, 'utf8');
}

/**
 * The answer to one query from the reachable public zones: records, NODATA or NXDOMAIN (rcode 3);
 * REFUSED (rcode 5) for a name no public zone holds.
 * @example answer(states, '_x.apps.example.com.', 'CNAME') // { rcode: 0, records: [{ type: 'CNAME', ttl: 300, value: '_y.acm-validations.aws.' }] }
 */
export function answer(
  states: readonly Route53State[],
  name: string,
  type: string,
): { rcode: number; records: Array<{ type: string; ttl: number; value: string }> } {
  const wanted = canonicalName(name);
  const zone = reachableZones(states)
    .filter((z) => wanted === z.name || wanted.endsWith(`.${z.name}`))
    .sort((a, b) => b.name.length - a.name.length)[0];
  if (!zone) return { rcode: 5, records: [] };
  const at = zone.records.filter((r) => r.name === wanted);
  if (at.length === 0) return { rcode: 3, records: [] };
  const exact = at.filter((r) => r.type === type);
  const chosen = exact.length > 0 ? exact : at.filter((r) => r.type === 'CNAME');
  return {
    rcode: 0,
    records: chosen.flatMap((r) => r.values.map((value) => ({ type: r.type, ttl: r.ttl ?? 300, value }))),
  };
}

function respond(runtime: Runtime, msg: Buffer): Buffer | undefined {
  if (msg.length < 12) return undefined;
  const q = readQuestion(msg);
  const header = Buffer.alloc(12);
  msg.copy(header, 0, 0, 2);
  const rd = msg.readUInt16BE(2) & 0x0100;
  if (!q) {
    header.writeUInt16BE(0x8000 | rd | 1, 2); // FORMERR
    return header;
  }
  const states = [runtime.states, ...runtime.accountStates.values()]
    .map((m) => m.get('route53') as Route53State | undefined)
    .filter((s): s is Route53State => s !== undefined);
  const typeName = TYPES[q.type] ?? `TYPE${q.type}`;
  const { rcode, records } = answer(states, q.name, typeName);
  header.writeUInt16BE(0x8400 | rd | rcode, 2); // QR, AA
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const parts: Buffer[] = [header, msg.subarray(12, q.end)];
  for (const r of records) {
    const data = rdata(r.type, r.value);
    const fixed = Buffer.alloc(12);
    fixed.writeUInt16BE(0xc00c, 0); // the question's name
    fixed.writeUInt16BE(CODES[r.type] ?? 0, 2);
    fixed.writeUInt16BE(1, 4); // IN
    fixed.writeUInt32BE(r.ttl, 6);
    fixed.writeUInt16BE(data.length, 10);
    parts.push(fixed, data);
  }
  return Buffer.concat(parts);
}

/**
 * Starts the DNS server on `host` (default 127.0.0.1), UDP and TCP on the same port (0: a free one).
 * @example const dns = await startDnsServer(runtime); resolver.setServers([`127.0.0.1:${dns.port}`]);
 */
export async function startDnsServer(runtime: Runtime, host = '127.0.0.1', port = 0): Promise<DnsServer> {
  for (let attempt = 0; ; attempt++) {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, host, () => resolve());
    });
    const udpPort = udp.address().port;
    const tcp: Server = createServer((socket) => {
      let buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
          const len = buffer.readUInt16BE(0);
          const out = respond(runtime, buffer.subarray(2, 2 + len));
          buffer = buffer.subarray(2 + len);
          if (out) {
            const prefix = Buffer.alloc(2);
            prefix.writeUInt16BE(out.length, 0);
            socket.write(Buffer.concat([prefix, out]));
          }
        }
      });
      socket.on('error', () => socket.destroy());
    });
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(udpPort, host, () => resolve(true));
    });
    if (!listening) {
      udp.close();
      if (attempt < 5 && port === 0) continue;
      throw new Error(`aws-emulator dns: TCP port ${udpPort} is taken`);
    }
    udp.on('message', (msg, rinfo) => {
      const out = respond(runtime, msg);
      if (out) udp.send(out, rinfo.port, rinfo.address);
    });
    return {
      port: udpPort,
      close: () =>
        new Promise<void>((resolve) => {
          udp.close();
          tcp.close(() => resolve());
        }),
    };
  }
}
