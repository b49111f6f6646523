/** Vitest setup: picks the TF.js backend from GRUGAN_BACKEND, defaulting to 'cpu' for tests. */
import { selectBackend } from './src/backend.js';

await selectBackend(process.env.GRUGAN_BACKEND || 'cpu');
