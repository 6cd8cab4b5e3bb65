import type { Command } from 'commander'
import { ensureDemoSetup, type DemoSetupOutcome } from '../demo-setup.ts'
import type { Deps } from '../deps.ts'
import { createLogger } from '../logger.ts'
import { openRuntime } from '../runtime.ts'
import { startGateway, type Service } from '../serve.ts'
import type { CliContext } from './cli-context.ts'

export function registerServeCommand(program: Command, context: CliContext): void {
  program
    .command('serve')
    .description('start the gateway: HTTP pages and API, delivery worker, SMTP ingress')
    .action(async () => {
      const { deps, applied } = await openRuntime({
        env: context.env,
        cwd: context.cwd,
        log: (config) => createLogger(config.logLevel),
      })
      if (applied.length > 0) deps.log.info({ applied }, 'database migrated')
      const demo = deps.config.demo ? await ensureDemoSetup(deps) : undefined
      const gateway = await startGateway(deps)
      printBanner(context, deps, demo, gateway.services)
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          deps.log.info({ signal }, 'shutting down')
          void gateway
            .stop()
            .then(() => {
              // Log out of the key token (if any) before the process ends.
              deps.relay.hardwareKeys?.close()
              return deps.database.close()
            })
            .finally(resolve)
        }
        process.once('SIGINT', shutdown)
        process.once('SIGTERM', shutdown)
      })
    })
}

function printBanner(
  context: CliContext,
  deps: Deps,
  demo: DemoSetupOutcome | undefined,
  services: Service[],
): void {
  const base = deps.config.publicUrl.replace(/\/$/, '')
  const lines = [
    '',
    `Brücke is running${deps.config.demo ? ' (demo setup)' : ''} — database: ${deps.database.description}`,
    `  Login          ${base}/login`,
    `  Staff          ${base}/staff`,
    `  Kiosk          ${base}/kiosk`,
    `  Self-service   ${base}/me`,
    `  DPO            ${base}/dpo`,
    `  Admin          ${base}/admin`,
    `  API            ${base}/api/v1   (OpenAPI: ${base}/api/v1/openapi.json)`,
  ]
  const endpoints = services.flatMap((s) => s.endpoints ?? [])
  const address = (e: { host: string; port: number }) =>
    `smtp://${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`
  const ingress = endpoints.find((e) => e.name === 'smtp_ingress')
  if (ingress) {
    lines.push(
      `  SMTP ingress   ${address(ingress)}   (STARTTLS, then AUTH with user id and password; staff only)`,
    )
  }
  const inbound = endpoints.find((e) => e.name === 'inbound_smtp')
  if (inbound) {
    lines.push(
      `  Inbound S/MIME ${address(inbound)}   (STARTTLS; partner gateways' signed and encrypted mail)`,
    )
  }
  if (demo?.created) {
    lines.push('', 'Demo accounts (passwords shown once; also in ' + demo.credentialsFile + '):')
    for (const c of demo.credentials)
      lines.push(`  ${c.id.padEnd(12)} ${c.role.padEnd(6)} ${c.password}`)
  } else if (demo) {
    lines.push(
      '',
      `Demo accounts: demo-jc, demo-aa, demo-ja, demo-dpo, demo-admin, demo-kiosk — passwords in ${demo.credentialsFile}`,
    )
  }
  lines.push(`API token: npm run brucke -- token --user demo-jc`, '')
  context.out(lines.join('\n'))
}
