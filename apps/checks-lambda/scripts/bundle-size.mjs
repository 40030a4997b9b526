#!/usr/bin/env node
// Prints the size of the Lambda bundle (a bench/ figure, never a test assertion). Goal: at most 1 MiB.
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const file = new URL('../dist/index.mjs', import.meta.url);
const bytes = statSync(file).size;
const gzip = gzipSync(readFileSync(file)).length;
const mib = (n) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
console.log(
  `dist/index.mjs: ${bytes} bytes (${mib(bytes)}), gzip ${gzip} bytes (${mib(gzip)}); goal <= 1 MiB`,
);
