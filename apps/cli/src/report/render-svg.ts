/**
 * Vega-Lite spec → standalone SVG text, in Node, with no browser and no canvas: Vega's headless
 * `View` (renderer `none`) lays the scene out and its SVG string renderer writes it. Text widths
 * are estimated when the optional `canvas` package is absent, which is close enough for labels.
 */
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Renders `spec` to an `<svg …>` string; data must be inline (nothing is loaded). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // No per-mark ARIA labels: Vega would write one per point ("t-SNE 2: 13.96"), which more than
  // doubles the page for a scatter of a thousand windows.
  const view = new View(parse(compile(spec, { config: { aria: false } }).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
