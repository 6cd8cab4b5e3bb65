import type { Command } from 'commander'
import { KeyError } from '../../crypto/errors.ts'
import { tokenSettingsOf } from '../crypto/hardware-keys.ts'
import { openPkcs11Token } from '../crypto/pkcs11-token.ts'
import { CliError, withRuntime } from './cli-context.ts'
import type { CliContext } from './cli-context.ts'

/**
 * `brucke cert token-keys`: the private keys the configured PKCS#11 token holds (label, id, type,
 * flags — never key material) and which agency (`PKCS11_AGENCY_KEYS`) uses each; an agency
 * whose label the token lacks is named too. Exit code 1 when one is missing.
 */
export function registerTokenKeysCommand(cert: Command, context: CliContext): void {
  cert
    .command('token-keys')
    .description('list the private keys in the PKCS#11 token and the agencies using them')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withRuntime(context, (deps) => {
        let keys
        try {
          const settings = tokenSettingsOf(deps.config)
          if (settings === undefined)
            throw new CliError('PKCS11_MODULE is not set: no key token configured.')
          const token = openPkcs11Token(settings)
          try {
            keys = token.listKeys()
          } finally {
            token.close()
          }
        } catch (error) {
          if (error instanceof KeyError) {
            const result = error.details.result
            throw new CliError(
              `${error.message}${typeof result === 'string' ? ` (${result})` : ''}`,
            )
          }
          throw error
        }
        const agencies = Object.entries(deps.config.pkcs11AgencyKeys)
        const rows = keys.map((key) => ({
          ...key,
          agencies: agencies.filter(([, label]) => label === key.label).map(([id]) => id),
        }))
        const missing = agencies.filter(([, label]) => !keys.some((key) => key.label === label))
        if (options.json) {
          context.out(
            JSON.stringify(
              { keys: rows, missing: missing.map(([agencyId, label]) => ({ agencyId, label })) },
              null,
              2,
            ),
          )
        } else {
          if (rows.length === 0) context.out('The token holds no private keys.')
          for (const row of rows) {
            const flags = [
              row.sensitive ? 'sensitive' : 'NOT sensitive',
              row.extractable ? 'EXTRACTABLE' : 'not extractable',
              ...(row.sign ? ['sign'] : []),
              ...(row.decrypt ? ['decrypt'] : []),
              ...(row.derive ? ['derive'] : []),
            ].join(', ')
            const used = row.agencies.length > 0 ? `used by ${row.agencies.join(', ')}` : 'unused'
            context.out(
              `${row.label.padEnd(20)} id ${row.id.padEnd(8)} ${row.keyType} ${row.size.padEnd(22)} ${flags}; ${used}`,
            )
          }
          for (const [agencyId, label] of missing) {
            context.err(`${agencyId}: the token holds no private key labelled "${label}".`)
          }
        }
        if (missing.length > 0) throw new CliError('Some agency keys are missing in the token.')
        return Promise.resolve()
      })
    })
}
