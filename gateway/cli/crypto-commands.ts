import { readFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import type { Command } from 'commander'
import { createDemoPki, demoPkcs12Passphrase } from '../../crypto/demo-pki.ts'
import {
  addTrustAnchor,
  importAgencyCertificate,
  listCertificateOverview,
  revokeAgencyCertificate,
} from '../crypto/certificate-service.ts'
import type { CertificateCurrentStatus, CertificateSource } from '../crypto/certificate-service.ts'
import { refreshCrlsOnRequest } from '../crypto/crl-refresh-on-request.ts'
import { writeDemoPki } from '../crypto/demo-pki-files.ts'
import { demoAgencies } from '../demo-setup.ts'
import { systemClock } from '../deps.ts'
import { CliError, withRuntime } from './cli-context.ts'
import type { CliContext } from './cli-context.ts'
import { registerTokenKeysCommand } from './token-keys-command.ts'

/** `brucke cert list` words for each current status. */
const statusWords: Record<CertificateCurrentStatus, string> = {
  active: 'active',
  revoked_at_ca: 'REVOKED at CA',
  revoked_here: 'revoked here',
  expired: 'EXPIRED',
  retired: 'retired',
  not_yet_valid: 'not yet valid',
  unverified: 'UNVERIFIED',
}

/** A CRL's age in the shortest unit that reads well: 42m, 5h, 3d; 'none' without a CRL. */
function crlAge(seconds: number | undefined): string {
  if (seconds === undefined) return 'none'
  if (seconds < 3600) return `${Math.max(0, Math.floor(seconds / 60))}m`
  if (seconds < 2 * 86400) return `${Math.floor(seconds / 3600)}h`
  return `${Math.floor(seconds / 86400)}d`
}

/** CLI commands of the crypto area: `pki demo`, `cert import|list|trust|revoke|token-keys`. */
export function registerCryptoCommands(program: Command, context: CliContext): void {
  const path = (file: string): string => (isAbsolute(file) ? file : resolve(context.cwd, file))
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(path(file))
    } catch {
      throw new CliError(`cannot read the ${what} file ${file}`)
    }
  }

  program
    .command('pki')
    .description('demo PKI')
    .command('demo')
    .description('write a demo CA, CRL and one certificate, key and .p12 per demo agency')
    .requiredOption('--out <dir>', 'directory to write into')
    .action(async (options: { out: string }) => {
      const out = path(options.out)
      const pki = await createDemoPki({ at: systemClock.now(), agencies: demoAgencies })
      writeDemoPki(out, pki.files)
      context.out(`Demo PKI written to ${out}:`)
      for (const name of Object.keys(pki.files).sort()) context.out(`  ${name}`)
      context.out(`The .p12 files use the passphrase "${demoPkcs12Passphrase}" (demo only).`)
    })

  const cert = program.command('cert').description('agency certificates and trust anchors')
  cert
    .command('import')
    .description("import an agency's certificate (PEM/DER, with --key, or a PKCS#12 file)")
    .requiredOption('--agency <id>', 'agency id')
    .option('--file <file>', 'certificate (PEM or DER; a PEM bundle may add the CA chain)')
    .option('--key <file>', 'unencrypted private key of the certificate (PEM or DER PKCS#8)')
    .option('--p12 <file>', 'PKCS#12 file with certificate, key and chain')
    .option('--passphrase-file <file>', 'file holding the PKCS#12 passphrase')
    .action(
      async (options: {
        agency: string
        file?: string
        key?: string
        p12?: string
        passphraseFile?: string
      }) => {
        let source: CertificateSource
        if (options.p12 !== undefined) {
          if (options.file !== undefined || options.key !== undefined)
            throw new CliError('give either --file [--key] or --p12, not both')
          if (options.passphraseFile === undefined)
            throw new CliError('--p12 needs --passphrase-file')
          const passphrase = read(options.passphraseFile, 'passphrase')
            .toString('utf8')
            .replace(/\r?\n$/, '')
          source = { kind: 'pkcs12', data: read(options.p12, 'PKCS#12'), passphrase }
        } else {
          if (options.file === undefined) throw new CliError('give --file or --p12')
          source = {
            kind: 'certificate',
            certificate: read(options.file, 'certificate'),
            ...(options.key === undefined ? {} : { key: read(options.key, 'key') }),
          }
        }
        await withRuntime(context, async (deps) => {
          const record = await importAgencyCertificate(deps, {
            actor: 'system',
            agencyId: options.agency,
            source,
          })
          context.out(
            `Certificate ${record.serialNumber} for ${record.agencyId} imported` +
              ` (valid until ${record.notAfter.toISOString().slice(0, 10)}` +
              `${source.kind === 'pkcs12' || options.key !== undefined ? ', with key' : ''}).`,
          )
          context.out(`SHA-256 fingerprint: ${record.id}`)
        })
      },
    )

  cert
    .command('list')
    .description('list agency certificates with expiry')
    .option('--agency <id>', 'only this agency')
    .option('--json', 'print JSON')
    .action(async (options: { agency?: string; json?: boolean }) => {
      await withRuntime(context, async (deps) => {
        const entries = await listCertificateOverview(deps, {
          at: deps.clock.now(),
          ...(options.agency === undefined ? {} : { agencyId: options.agency }),
        })
        if (options.json) {
          context.out(
            JSON.stringify(
              entries.map((entry) => ({
                id: entry.id,
                agencyId: entry.agencyId,
                serialNumber: entry.serialNumber,
                subject: entry.subject,
                issuer: entry.issuer,
                notBefore: entry.notBefore.toISOString(),
                notAfter: entry.notAfter.toISOString(),
                daysLeft: entry.daysLeft,
                status: entry.status,
                currentStatus: entry.currentStatus,
                validationCode: entry.validationCode,
                crlThisUpdate: entry.crl?.thisUpdate.toISOString() ?? null,
                crlNextUpdate: entry.crl?.nextUpdate?.toISOString() ?? null,
                crlAgeSeconds: entry.crl?.ageSeconds ?? null,
                retired: entry.currentStatus === 'retired',
                expired: entry.expired,
                expiringSoon: entry.expiringSoon,
                hasKey: entry.hasKey,
              })),
              null,
              2,
            ),
          )
          return
        }
        if (entries.length === 0) return context.out('No certificates registered.')
        for (const entry of entries) {
          const state = entry.expired
            ? 'EXPIRED'
            : entry.expiringSoon
              ? `expires in ${entry.daysLeft} days!`
              : `${entry.daysLeft} days left`
          context.out(
            `${entry.agencyId.padEnd(14)} ${statusWords[entry.currentStatus].padEnd(17)} ${entry.notAfter.toISOString().slice(0, 10)}  ${state.padEnd(22)} ${entry.hasKey ? 'key ' : '    '} CRL ${crlAge(entry.crl?.ageSeconds).padEnd(8)} ${entry.serialNumber}  ${entry.subject}`,
          )
        }
      })
    })

  cert
    .command('refresh-crls')
    .description(
      "fetch every CRL now: trust anchor URLs and the certificates' distribution points (as `brucke serve` does every CRL_REFRESH_MINUTES)",
    )
    .action(async () => {
      await withRuntime(context, async (deps) => {
        const outcome = await refreshCrlsOnRequest(deps, { by: { kind: 'shell' } })
        context.out(
          `${outcome.sources} CRL sources, ${outcome.updated} with a newer CRL, ${outcome.failed.length} failed.`,
        )
        if (outcome.failed.length > 0) {
          throw new CliError(
            outcome.failed
              .map((failure) => `CRL refresh failed: ${failure.url}: ${failure.error}`)
              .join('\n'),
          )
        }
      })
    })

  cert
    .command('trust')
    .description('trust a CA certificate, with its CRL from a file or URL')
    .requiredOption('--file <file>', 'CA certificate (PEM or DER)')
    .option('--crl-file <file>', 'CRL file of this CA (PEM or DER), re-read when stale')
    .option('--crl-url <url>', 'CRL URL of this CA, fetched and cached')
    .action(async (options: { file: string; crlFile?: string; crlUrl?: string }) => {
      const certificate = read(options.file, 'CA certificate')
      await withRuntime(context, async (deps) => {
        const anchor = await addTrustAnchor(deps, {
          actor: 'system',
          certificate,
          ...(options.crlFile === undefined ? {} : { crlFile: path(options.crlFile) }),
          ...(options.crlUrl === undefined ? {} : { crlUrl: options.crlUrl }),
        })
        context.out(`Trust anchor ${anchor.subject} added (SHA-256 ${anchor.id}).`)
      })
    })

  registerTokenKeysCommand(cert, context)

  cert
    .command('revoke')
    .description('withdraw a registered agency certificate')
    .requiredOption('--id <fingerprint>', 'SHA-256 fingerprint from `brucke cert list --json`')
    .requiredOption('--reason <text>', 'why, e.g. key compromise reported by the agency')
    .action(async (options: { id: string; reason: string }) => {
      await withRuntime(context, async (deps) => {
        const record = await revokeAgencyCertificate(deps, {
          actor: 'system',
          certificateId: options.id.toLowerCase(),
          reason: options.reason,
        })
        context.out(`Certificate ${record.serialNumber} of ${record.agencyId} revoked.`)
      })
    })
}
