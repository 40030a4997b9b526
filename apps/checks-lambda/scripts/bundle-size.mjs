#!/usr/bin/env node
// Prints the size of the Lambda's code (a bench/ figure, never a test assertion): what a cold start imports
// before the handler runs (index.mjs and the chunks it imports; goal at most 1 MiB), and all of it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { functionFiles, importClosure } from './function-files.mjs';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const mib = (n) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
const sizeOf = (files) => {
  const text = Buffer.concat(files.map((f) => readFileSync(`${dist}/${f}`)));
  return { bytes: text.length, gzip: gzipSync(text).length };
};
const atImport = sizeOf(importClosure(dist));
const all = sizeOf(functionFiles(dist));
console.log(
  `loaded at import (index.mjs + ${importClosure(dist).length - 1} chunks): ${atImport.bytes} bytes (${mib(atImport.bytes)}), gzip ${atImport.gzip} bytes; goal <= 1 MiB`,
);
console.log(
  `the function's code (${functionFiles(dist).length} files): ${all.bytes} bytes (${mib(all.bytes)}), gzip ${all.gzip} bytes`,
);
