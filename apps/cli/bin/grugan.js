#!/usr/bin/env -S node --max-semi-space-size=64
// --max-semi-space-size=64 (MiB, V8's default is 16): a training step allocates many short-lived
// tensors and typed arrays, and with the default young generation V8 scavenges so often that its GC
// threads used about a third of a TimeGAN run's CPU time (packages/model/bench/QUALITY.md). Every
// launcher of this file passes the same flag (the coordinator's local launcher, the images).
// Runs the TypeScript CLI through tsx's loader, so no build step stands between a checkout and a run.
// TensorFlow's native library logs start-up banners to stderr unless told otherwise; errors still show.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
import { register } from 'tsx/esm/api';
register();
await import('../src/main.ts');
