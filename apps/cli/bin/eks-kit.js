#!/usr/bin/env node
// The committed `eks-kit` bin: the bundle is built into dist/ (pnpm --filter @eks-kit/cli build), so
// the bin exists before a build and pnpm install links it without a warning.
import '../dist/eks-kit.js';
