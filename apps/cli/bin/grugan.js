#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so no build step stands between a checkout and a run.
// TensorFlow's native library logs start-up banners to stderr unless told otherwise; errors still show.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
import { register } from 'tsx/esm/api';
register();
await import('../src/main.ts');
