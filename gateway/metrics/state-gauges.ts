import { Gauge, type Registry } from 'prom-client'
import {
  countFailingCrlSources,
  countOpenTransfers,
  listActiveCertificateExpiries,
  listCrlIssueTimes,
  openTransferStatuses,
  readAuditProgress,
} from '../../db/metrics-repository.ts'
import type { Deps } from '../deps.ts'

const dayMs = 86_400_000

/**
 * Gauges read from the database at scrape time, so every gateway process on a shared database
 * reports the same truth and nothing is kept in memory between scrapes. The returned `refresh`
 * runs before the registry is serialised (not as prom-client `collect` hooks, which run beside
 * the serialisation of the counters: a failed read would reach `brucke_db_errors_total` only one
 * scrape late). A failing read leaves its gauges empty for that scrape — the scrape still
 * answers — and is handed to `failed`. Labels carry agency ids and certificate fingerprints,
 * never a name or pseudonym.
 */
export function registerStateGauges(
  registry: Registry,
  source: Pick<Deps, 'db' | 'clock' | 'log'>,
  failed: (error: unknown) => void,
): () => Promise<void> {
  const { db, clock, log } = source
  const registers = [registry]
  const queue = new Gauge({
    name: 'brucke_transfer_queue_depth',
    help: 'Transfers and notices waiting for delivery, by status (queued, retrying).',
    labelNames: ['status'],
    registers,
  })
  const certificates = new Gauge({
    name: 'brucke_certificate_expiry_days',
    help: 'Days until each active agency certificate expires (negative: expired).',
    labelNames: ['agency', 'fingerprint'],
    registers,
  })
  const crls = new Gauge({
    name: 'brucke_crl_age_seconds',
    help: 'Seconds since the cached CRL of each trust anchor was issued (its thisUpdate).',
    labelNames: ['trust_anchor'],
    registers,
  })
  const failingCrlSources = new Gauge({
    name: 'brucke_crl_sources_failing',
    help: 'CRL sources (anchor URLs, distribution points) whose last refresh attempt failed.',
    registers,
  })
  const head = new Gauge({
    name: 'brucke_audit_head_seq',
    help: 'Sequence number of the newest audit entry.',
    registers,
  })
  const checkpoint = new Gauge({
    name: 'brucke_audit_last_checkpoint_age_seconds',
    help: 'Seconds since the newest signed audit checkpoint (absent before the first).',
    registers,
  })

  const guarded = async (
    what: string,
    gauges: Gauge[],
    read: () => Promise<void>,
  ): Promise<void> => {
    for (const gauge of gauges) gauge.reset()
    try {
      await read()
    } catch (error) {
      for (const gauge of gauges) gauge.reset()
      failed(error)
      log.warn({ err: error, metric: what }, 'metrics: a gauge read failed')
    }
  }

  return async () => {
    const now = clock.now().getTime()
    await Promise.all([
      guarded('transfer queue', [queue], async () => {
        const counts = await countOpenTransfers(db)
        for (const status of openTransferStatuses) queue.set({ status }, counts[status])
      }),
      guarded('certificate expiry', [certificates], async () => {
        for (const c of await listActiveCertificateExpiries(db))
          certificates.set(
            { agency: c.agencyId, fingerprint: c.fingerprint },
            (Date.parse(c.notAfter) - now) / dayMs,
          )
      }),
      guarded('CRL age', [crls], async () => {
        for (const c of await listCrlIssueTimes(db))
          crls.set({ trust_anchor: c.trustAnchorId }, (now - Date.parse(c.thisUpdate)) / 1000)
      }),
      guarded('CRL sources', [failingCrlSources], async () => {
        failingCrlSources.set(await countFailingCrlSources(db))
      }),
      guarded('audit progress', [head, checkpoint], async () => {
        const audit = await readAuditProgress(db)
        head.set(audit.headSeq)
        if (audit.lastCheckpointAt !== null)
          checkpoint.set((now - Date.parse(audit.lastCheckpointAt)) / 1000)
      }),
    ])
  }
}
