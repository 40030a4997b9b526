/**
 * Preloaded into CLI child processes (`node --import`): the suite may not reach any network but
 * 127.0.0.1. A fetch to another host is refused and logged to RELIABILITY_NETWORK_LOG.
 */
import { appendFileSync } from 'node:fs';

const original = globalThis.fetch;
const log = process.env.RELIABILITY_NETWORK_LOG;

globalThis.fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return original(input, init);
  if (log) appendFileSync(log, `${init?.method ?? 'GET'} ${url.origin}${url.pathname}\n`);
  throw new TypeError(
    `fetch failed: network beyond 127.0.0.1 refused by the reliability suite (${url.host})`,
    {
      cause: { code: 'ENETUNREACH' },
    },
  );
};
