// Swagger UI in real Chromium: /docs loads (its assets from the package, offline) and "Try it out" on /analyze answers 200.
import t from 'tap'
import { withChromium } from './helpers/browser.js'
import { build } from './helpers/build.js'

withChromium(t, (browser) => {
  t.test('opens /docs and runs "Try it out" on POST /analyze successfully', async (t) => {
    const { url, upstream } = await build(t)
    const page = await browser().newPage()
    t.teardown(() => page.close())
    const failed: string[] = []
    page.on('requestfailed', (r) => failed.push(r.url()))
    await page.goto(`${url}/docs/`)
    const operation = page.locator('#operations-analysis-post_analyze')
    await operation.locator('.opblock-summary').click()
    await operation.getByRole('button', { name: 'Try it out' }).click()
    // The body comes prefilled from the schema's example.
    t.match(await operation.locator('textarea.body-param__text').inputValue(), /Ada Lovelace/)
    await operation.getByRole('button', { name: 'Execute' }).click()
    const status = operation.locator('.live-responses-table .response .response-col_status')
    await status.first().waitFor({ timeout: 15_000 })
    t.equal((await status.first().innerText()).trim(), '200', 'the live answer is a 200')
    t.match(await operation.locator('.live-responses-table .response .response-col_description').first().innerText(), /"partial": false/)
    t.equal(upstream.calls.length, 3, 'it went through the service to the upstream')
    t.same(failed, [], 'no asset failed to load (nothing from a CDN)')
  })
})
