import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'
import type { Deps } from '../deps.ts'
import type { MailerFailure } from '../relay/ports.ts'
import { dbErrorKindOf, dbErrorKinds } from './db-error-kind.ts'
import { deliveryFailureReasonOf, deliveryFailureReasons } from './delivery-failure-reason.ts'
import { registerStateGauges } from './state-gauges.ts'

/** Where a consent decision was taken: at submission, again before delivery, or as a dry run. */
export type DecisionStage = 'transfer' | 'delivery' | 'check'

/** The final word on one SMTP handoff attempt. */
export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed'

/**
 * The Prometheus metrics of one running gateway, in its own registry (never prom-client's global
 * one, so two gateways in one process — tests — count apart). Built once by `createRuntimeParts`.
 * Every label value is bounded and free of personal data: route patterns (never paths), status
 * classes, decision stages and deny codes, failure kinds, agency ids and fingerprints.
 */
export interface GatewayMetrics {
  readonly registry: Registry
  /** Reads the database-backed gauges, then serialises the registry (Prometheus text format). */
  scrape(): Promise<string>
  /**
   * Adds Node's process metrics (memory, CPU, event loop, GC) to this registry. Called once by the
   * listening gateway: prom-client keeps an event-loop monitor and a GC observer per call for
   * the life of the process, which a `Deps` built per test or CLI command must not pile up.
   */
  collectProcessMetrics(): void
  httpRequest(input: { method: string; route: string; status: number }): void
  decision(stage: DecisionStage, decision: { decision: string; reasons: readonly string[] }): void
  /** One SMTP handoff attempt settled; `failure` when it did not end `delivered`. */
  deliveryAttempt(outcome: DeliveryOutcome, failure?: MailerFailure): void
  /** A transfer reached `delivered`, this many seconds after it was queued. */
  delivered(latencySeconds: number): void
  /** Counts the error if it came from the database; true when it did. */
  databaseError(error: unknown): boolean
  /** A CRL source (anchor URL or distribution point) could not be refreshed. */
  crlRefreshFailure(): void
}

/** `category_not_covered:<term>` becomes one label value: the terms stay out of the series count. */
function reasonLabel(reason: string): string {
  const colon = reason.indexOf(':')
  return colon === -1 ? reason : reason.slice(0, colon)
}

export function createGatewayMetrics(source: Pick<Deps, 'db' | 'clock' | 'log'>): GatewayMetrics {
  const registry = new Registry()
  const registers = [registry]

  const httpRequests = new Counter({
    name: 'brucke_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status class.',
    labelNames: ['method', 'route', 'status_class'],
    registers,
  })
  const decisions = new Counter({
    name: 'brucke_decisions_total',
    help: 'Consent decisions by stage (transfer, delivery, check) and outcome (permit, deny).',
    labelNames: ['stage', 'outcome'],
    registers,
  })
  const denyReasons = new Counter({
    name: 'brucke_decision_deny_reasons_total',
    help: 'Deny reasons of consent decisions by stage; a denial with several reasons counts each.',
    labelNames: ['stage', 'reason'],
    registers,
  })
  const attempts = new Counter({
    name: 'brucke_delivery_attempts_total',
    help: 'SMTP handoff attempts by outcome (delivered, retrying, failed).',
    labelNames: ['outcome'],
    registers,
  })
  const failures = new Counter({
    name: 'brucke_delivery_failures_total',
    help: 'Failed SMTP handoff attempts by reason.',
    labelNames: ['reason'],
    registers,
  })
  const latency = new Histogram({
    name: 'brucke_delivery_latency_seconds',
    help: 'Seconds from queueing a transfer to its delivery (SMTP 250 recorded).',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600],
    registers,
  })
  const dbErrors = new Counter({
    name: 'brucke_db_errors_total',
    help: 'Database errors that failed a request, a background round or a scrape, by kind.',
    labelNames: ['kind'],
    registers,
  })
  const crlFailures = new Counter({
    name: 'brucke_crl_refresh_failures_total',
    help: 'CRL sources (anchor URLs, distribution points) whose scheduled refresh failed.',
    registers,
  })
  // Known label values start at 0, so rate() and alerts see a series before the first event.
  for (const outcome of ['delivered', 'retrying', 'failed'] as const) attempts.inc({ outcome }, 0)
  for (const reason of deliveryFailureReasons) failures.inc({ reason }, 0)
  for (const kind of dbErrorKinds) dbErrors.inc({ kind }, 0)

  const databaseError = (error: unknown): boolean => {
    const kind = dbErrorKindOf(error)
    if (kind) dbErrors.inc({ kind })
    return kind !== null
  }
  const refreshState = registerStateGauges(registry, source, databaseError)

  let processMetrics = false
  return {
    registry,
    async scrape() {
      await refreshState()
      return registry.metrics()
    },
    collectProcessMetrics() {
      if (processMetrics) return
      processMetrics = true
      collectDefaultMetrics({ register: registry })
    },
    httpRequest({ method, route, status }) {
      httpRequests.inc({ method, route, status_class: `${Math.floor(status / 100)}xx` })
    },
    decision(stage, { decision, reasons }) {
      decisions.inc({ stage, outcome: decision })
      for (const reason of new Set(reasons.map(reasonLabel))) denyReasons.inc({ stage, reason })
    },
    deliveryAttempt(outcome, failure) {
      attempts.inc({ outcome })
      if (failure) failures.inc({ reason: deliveryFailureReasonOf(failure) })
    },
    delivered(latencySeconds) {
      latency.observe(Math.max(0, latencySeconds))
    },
    databaseError,
    crlRefreshFailure() {
      crlFailures.inc()
    },
  }
}
