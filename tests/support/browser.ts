import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { repoRoot } from './cli.ts'

export const chromiumPath = '/usr/bin/chromium'
export const screenshotDir = join(repoRoot, 'tests', 'browser', 'screenshots')

/**
 * Launches Debian's Chromium headless (never a downloaded browser). The flags keep it off the
 * network: this machine refuses outside connections.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

export async function newContext(
  browser: Browser,
  viewport: { width: number; height: number } = { width: 1366, height: 768 },
): Promise<BrowserContext> {
  return browser.newContext({ viewport, locale: 'de-DE', timezoneId: 'Europe/Berlin' })
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true })
  const path = join(screenshotDir, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: number
}

/**
 * Every rule axe-core has for WCAG 2.0/2.1/2.2 A, AA and AAA and its best practices, at every
 * impact (minor to critical): the kiosk pages must pass them all (issue «The person's side»
 * point 3). Experimental rules are left out: they change between axe releases.
 */
const allRuleTags = [
  'wcag2a',
  'wcag2aa',
  'wcag2aaa',
  'wcag21a',
  'wcag21aa',
  'wcag22aa',
  'best-practice',
]

/** Runs axe-core in the page with {@link allRuleTags}; every violation, whatever its impact. */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource)
  // Runs inside the page; typed loosely because the test project has no DOM lib.
  return page.evaluate(async (tags) => {
    const scope = globalThis as unknown as {
      document: unknown
      axe: {
        run: (
          context: unknown,
          options: unknown,
        ) => Promise<{
          violations: {
            id: string
            impact: string | null
            help: string
            nodes: { target: unknown }[]
          }[]
        }>
      }
    }
    const result = await scope.axe.run(scope.document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    })
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: `${v.help} — ${JSON.stringify(v.nodes.map((n) => n.target)).slice(0, 300)}`,
      nodes: v.nodes.length,
    }))
  }, allRuleTags)
}

/** True when the browser tests must run (CI) rather than skip for a missing Chromium. */
export const browserRequired = process.env.CI === 'true' || process.env.CI === '1'

/**
 * Whether this run has Debian's Chromium. In CI a missing browser fails the run loudly; elsewhere
 * the browser tests skip with a one-line notice. Browser test files use `describe.runIf(chromiumAvailable)`.
 */
export const chromiumAvailable: boolean = (() => {
  const available = existsSync(chromiumPath)
  if (!available && browserRequired) {
    throw new Error(`CI=true but ${chromiumPath} is missing: browser tests must run in CI`)
  }
  if (!available)
    console.warn(`[tests] ${chromiumPath} not found — browser tests skipped (they run in CI).`)
  return available
})()
