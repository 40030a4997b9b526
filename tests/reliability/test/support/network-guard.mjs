/**
 * Preloaded into CLI child processes (`node --import`): the suite may not reach any network but
 * 127.0.0.1. A fetch to another host is refused and logged to RELIABILITY_NETWORK_LOG; with
 * RELIABILITY_REDIRECT_ECR set, requests to an ECR registry host go to that URL instead (the
 * emulator's registry API), as a DNS override would.
 */
import { appendFileSync } from 'node:fs';

const original = globalThis.fetch;
const log = process.env.RELIABILITY_NETWORK_LOG;
const redirect = process.env.RELIABILITY_REDIRECT_ECR;
const ECR_HOST = /^\d{12}\.dkr[.-]ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

globalThis.fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return original(input, init);
  if (redirect && ECR_HOST.test(url.hostname)) {
    const target = new URL(`${url.pathname}${url.search}`, redirect);
    return original(target, init);
  }
  if (log) appendFileSync(log, `${init?.method ?? 'GET'} ${url.origin}${url.pathname}\n`);
  throw new TypeError(
    `fetch failed: network beyond 127.0.0.1 refused by the reliability suite (${url.host})`,
    {
      cause: { code: 'ENETUNREACH' },
    },
  );
};
