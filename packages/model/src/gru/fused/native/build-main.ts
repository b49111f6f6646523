/** `npm run build:native -w packages/model`: (re)builds the native GRU kernel now; see addon.ts. */
import { buildNativeAddon, lastBuildLog, NATIVE_ADDON_PATH, nativeAddon } from './addon.js';

try {
  buildNativeAddon();
  console.log(`built ${NATIVE_ADDON_PATH}: ${nativeAddon().blasInfo()}`);
} catch (err) {
  console.error(lastBuildLog() ?? '');
  console.error(`grugan: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
