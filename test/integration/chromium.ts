/**
 * Debian's Chromium for the browser tests: installed by scripts/services/chromium.sh when missing
 * (never downloaded from elsewhere) and launched headless through playwright-core with the flags
 * a closed network needs (no background networking, sync or component updates).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';

const root = join(import.meta.dirname, '../..');

export function launchChromium(): Promise<Browser> {
  execFileSync(join(root, 'scripts/services/chromium.sh'), { stdio: 'inherit' });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens `url` in a new page, recording console errors, page errors and every request made. */
export async function openPage(
  browser: Browser,
  url: string,
): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, requests };
}
