/**
 * Step 6: prove the backend works in a fresh Node process: `@tensorflow/tfjs-node` loads, the active
 * backend is `tensorflow`, a matmul gives the hand-computed product, and a gradient
 * d/dx Σx² = 2x comes back right (gradients exercise the eager C API's op dispatch both ways).
 */
import type { SetupConfig } from './config.js';
import { SetupError, SetupErrorCode } from './errors.js';
import { exec, tail } from './exec.js';

const CHECK = `
const tf = (await import('@tensorflow/tfjs-node')).default;
const fail = (m) => { console.error(m); process.exit(1); };
if (tf.getBackend() !== 'tensorflow') fail('active backend is ' + tf.getBackend() + ', not tensorflow');
const product = await tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])).array();
if (JSON.stringify(product) !== '[[19,22],[43,50]]') fail('matMul gave ' + JSON.stringify(product));
const grad = await tf.grad((x) => tf.sum(tf.square(x)))(tf.tensor1d([1, -2, 3])).array();
if (JSON.stringify(grad) !== '[2,-4,6]') fail('gradient gave ' + JSON.stringify(grad));
console.log('tfjs-node ' + tf.version['tfjs-node'] + ' on the tensorflow backend: matMul and gradient OK');
`;

/** Loads the backend in a child process and checks a matmul and a gradient; returns its report line. */
export function verifyBackend(config: SetupConfig): string {
  const run = exec(process.execPath, ['--input-type=module', '-e', CHECK], {
    cwd: config.repoRoot,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2' },
  });
  if (run.status !== 0) {
    throw new SetupError(SetupErrorCode.VerifyFailed, `the tensorflow backend does not work:\n${tail(run.stderr || run.stdout)}`);
  }
  return tail(run.stdout, 1);
}
