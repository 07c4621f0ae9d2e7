#!/usr/bin/env node
// Opens a modelexport HTML page in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser is ever downloaded) and reports what a user would see.
//
//   node tests/browser/check_page.js PAGE.html SCREENSHOT.png EXPAND_PATHS SEARCH_TEXT
//
// Expands the modules whose dotted paths EXPAND_PATHS lists (comma-separated, in order), hovers the first icicle cell (if
// any), types SEARCH_TEXT into the search box, makes a full-page screenshot, and prints one
// JSON object: {requests (any that were not file://), errors (page errors, console errors),
// initial_rows, expanded: {path, children, visible_before, visible_after, labels} of the last, hover, search: {matches,
// hits, visible_rows}}. Any failure: one message on stderr starting with "browser: ", exit 1.

'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

async function main([page_path, screenshot, expand_path, search_text]) {
  if (!search_text) throw new Error('usage: node check_page.js PAGE.html SCREENSHOT.png EXPAND_PATH SEARCH_TEXT');
  const { chromium } = require('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mx-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 900 },
  });
  const report = { requests: [], errors: [] };
  try {
    // Anything but the page itself is a request to somewhere else: record it and stop it.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      report.requests.push(url);
      return route.abort();
    });
    const page = context.pages()[0] || (await context.newPage());
    page.on('pageerror', (e) => report.errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') report.errors.push(m.text()); });
    await page.goto('file://' + path.resolve(page_path));
    const visible = () => page.locator('.module:visible').count();
    report.initial_rows = await visible();

    // Click open each module of EXPAND_PATH in turn (a,b: a, then its descendant b).
    for (const p of expand_path.split(',')) {
      const id = await page.evaluate((q) => JSON.parse(document.getElementById('data').textContent)
        .modules.find((m) => m.path === q)?.id, p);
      if (id === undefined) throw new Error(`no module with path '${p}' in the page`);
      const box = page.locator(`.module[data-id="${id}"]`);
      const children = box.locator(':scope > .children > .module');
      report.expanded = { path: p, children: await children.count(), visible_before: await children.locator('visible=true').count() };
      await box.locator(':scope > .row > .toggle').click({ timeout: 5000 });
      report.expanded.visible_after = await children.locator('visible=true').count();
      report.expanded.labels = await children.locator(':scope > .row > .label').allTextContents();
    }

    const cells = page.locator('#chart .cell');
    report.cells = await cells.count();
    if (report.cells > 0) {
      await cells.nth(1 < report.cells ? 1 : 0).hover();
      report.hover = await page.locator('#details').textContent();
    }

    await page.fill('#search', search_text);
    report.search = {
      matches: await page.locator('#matches').textContent(),
      hits: await page.locator('.module.hit:visible > .row > .label').allTextContents(),
      hit_titles: await page.locator('.module.hit:visible > .row').evaluateAll((rows) => rows.map((r) => r.title.split('\n')[0])),
      visible_rows: await visible(),
    };
    fs.mkdirSync(path.dirname(path.resolve(screenshot)), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(report, null, 1) + '\n');
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`browser: ${String((e && e.message) || e).trim()}\n`);
  process.exitCode = 1;
});
