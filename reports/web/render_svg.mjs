// Renders Vega-Lite figures to static SVG files: node render_svg.mjs SPECS.json OUT_DIR
// SPECS.json: [{"name": "forward_error", "spec": {...Vega-Lite...}}, ...] -> OUT_DIR/NAME.svg
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

const [specsPath, outDir] = process.argv.slice(2);
if (!specsPath || !outDir) {
  console.error('usage: node render_svg.mjs SPECS.json OUT_DIR');
  process.exit(2);
}
const figures = JSON.parse(readFileSync(specsPath, 'utf8'));
for (const { name, spec } of figures) {
  const compiled = vegaLite.compile(spec).spec;
  // No loader: the data is inline, and a figure must never fetch anything.
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  writeFileSync(join(outDir, `${name}.svg`), svg);
  view.finalize();
}
