// Opens a condbench page (report.html or compare.html) in headless Chromium and prints
// what rendered, as JSON: console errors, page errors, every request that left the
// file (a report must open offline), and per figure the points and failure marks drawn.
//   node check_page.mjs PAGE.html SCREENSHOT.png
// Chromium: $CONDBENCH_CHROMIUM or /usr/bin/chromium (Debian's package; scripts/setup.sh).
import { chromium } from 'playwright-core';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [page_path, shot] = process.argv.slice(2);
if (!page_path || !shot) {
  console.error('usage: node check_page.mjs PAGE.html SCREENSHOT.png');
  process.exit(2);
}
const executablePath = process.env.CONDBENCH_CHROMIUM || '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`chromium not found at ${executablePath}: run scripts/setup.sh (installs Debian's chromium)`);
  process.exit(3);
}
const profile = mkdtempSync(join(tmpdir(), 'condbench-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  viewport: { width: 1200, height: 900 },
  // Flags that keep Chromium from reaching for a network it does not have.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const result = { console_errors: [], page_errors: [], requests: [], figures: {} };
try {
  const page = browser.pages()[0] || await browser.newPage();
  page.on('console', m => { if (m.type() === 'error') result.console_errors.push(m.text()); });
  page.on('pageerror', e => result.page_errors.push(String(e)));
  page.on('request', r => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) result.requests.push(r.url()); });
  await page.goto(pathToFileURL(resolve(page_path)).href, { waitUntil: 'load', timeout: 60000 });
  await page.waitForFunction(() => window.condbenchReady !== undefined, null, { timeout: 30000 });
  await page.evaluate(() => window.condbenchReady);
  result.figures = await page.evaluate(() => {
    const out = {};
    for (const div of document.querySelectorAll('div[id^="fig-"]')) {
      const count = re => [...div.querySelectorAll('g.mark-symbol')]
        .filter(g => [...g.classList].some(c => re.test(c)))
        .reduce((n, g) => n + g.querySelectorAll(':scope > path').length, 0);
      out[div.id.slice(4)] = { points: count(/_pts(_\d+)?_marks$/), failures: count(/_fail_\d+_marks$/),
        svgs: div.querySelectorAll('svg').length };
    }
    return out;
  });
  await page.screenshot({ path: shot, fullPage: true });
} catch (e) {
  result.page_errors.push(`check_page: ${e}`);
}
await browser.close();
rmSync(profile, { recursive: true, force: true });
console.log(JSON.stringify(result));
