// Debian's Chromium driven by playwright-core, for the tests of what a browser does; closed at teardown.
import { existsSync } from 'node:fs'
import type { Test } from 'tap'
import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/**
 * Runs `define(browser)` with one headless Chromium for the whole file. Without Chromium the file fails
 * in CI (which installs it) and says it was skipped elsewhere, so nobody mistakes a skip for a pass.
 */
export function withChromium (t: Test, define: (browser: () => Browser) => void): void {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') t.fail(`${CHROMIUM} is missing; .ci/run installs it with apt-get`)
    else t.test('drives headless Chromium', { skip: `${CHROMIUM} is not installed (apt-get install -y chromium)` }, async () => {})
    return
  }
  let browser: Browser | undefined
  t.before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Without the background-networking flags Chromium keeps reaching for Google's hosts, which this machine refuses.
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
  })
  t.teardown(() => browser?.close())
  define(() => browser!)
}
