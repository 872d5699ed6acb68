// Renders Vega-Lite figures to static SVG files: node render_svg.mjs SPECS.json OUT_DIR
// SPECS.json: [{"name": "forward_error", "spec": {...Vega-Lite...}}, ...] -> OUT_DIR/NAME.svg
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInThisContext } from 'node:vm';

// The self-contained browser builds (the same files report.html inlines), not the npm packages'
// module trees: an installed condbench ships only these files beside this script.
const here = dirname(fileURLToPath(import.meta.url));
for (const build of ['node_modules/vega/build/vega.min.js', 'node_modules/vega-lite/build/vega-lite.min.js']) {
  runInThisContext(readFileSync(join(here, build), 'utf8'), { filename: build });
}
const { vega, vegaLite } = globalThis;

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
