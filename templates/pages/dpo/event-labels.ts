/** German names of audit event types for the DPO pages; the code is always shown beside them. */
const labels: Record<string, string> = {
  account_disabled: 'Konto gesperrt',
  account_enabled: 'Konto entsperrt',
  agency_added: 'Behörde angelegt',
  audit_exported: 'Protokoll exportiert',
  audit_verified: 'Protokoll geprüft',
  certificate_added: 'Zertifikat hinzugefügt',
  certificate_revoked: 'Zertifikat widerrufen',
  configuration_changed: 'Konfiguration geändert',
  inbound_received: 'Nachricht einer Partnerstelle empfangen',
  inbound_refused: 'Nachricht einer Partnerstelle abgewiesen',
  consent_activated: 'Einwilligung wirksam',
  consent_created: 'Einwilligung vorbereitet',
  consent_declined: 'Einwilligung abgelehnt',
  consent_discarded: 'Entwurf verworfen',
  consent_erased: 'Einwilligung gelöscht (Aufbewahrungsfrist)',
  consent_expired: 'Einwilligung abgelaufen',
  consent_majority_confirmed: 'Bei Volljährigkeit selbst bestätigt',
  consent_majority_flagged: 'Volljährig: Bestätigung nötig',
  consent_majority_lapsed: 'Bei Volljährigkeit erloschen (kein Widerruf)',
  consent_text_approved: 'Einwilligungstext freigegeben',
  consent_revoked: 'Einwilligung widerrufen',
  consent_signed: 'Einwilligung unterschrieben',
  data_request_answered: 'Anfrage beantwortet',
  data_request_created: 'Anfrage gestellt',
  decision_checked: 'Entscheidung geprüft',
  login_failed: 'Anmeldung fehlgeschlagen',
  login_succeeded: 'Anmeldung',
  logout: 'Abmeldung',
  password_reset: 'Passwort zurückgesetzt',
  partner_delivery_paused: 'Zustellung an Partner angehalten',
  partner_delivery_resumed: 'Zustellung an Partner fortgesetzt',
  permission_refused: 'Zugriff verweigert',
  pseudonym_resolved: 'Pseudonym aufgelöst',
  receipt_issued: 'Quittung ausgegeben',
  retention_purged: 'Aufbewahrungsfrist: gelöscht',
  self_service_opened: 'Selbstauskunft geöffnet',
  self_service_refused: 'Selbstauskunft verweigert',
  sessions_ended: 'Sitzungen beendet',
  token_issued: 'API-Token ausgegeben',
  token_revoked: 'API-Token widerrufen',
  tokens_revoked: 'Alle API-Tokens widerrufen',
  transfer_cancelled: 'Übermittlung abgebrochen',
  transfer_delivered: 'Übermittlung zugestellt',
  transfer_denied: 'Übermittlung verweigert',
  transfer_failed: 'Übermittlung gescheitert',
  transfer_handoff_uncertain: 'Übermittlung: Zustellung ungewiss',
  transfer_queued: 'Übermittlung eingereiht',
  transfer_retried: 'Übermittlung erneut eingereiht (Verwaltung)',
  transfer_retry_refused: 'Erneutes Senden verweigert',
  transfer_retrying: 'Übermittlung wird wiederholt',
  transfer_withdrawn: 'Übermittlung von der Verwaltung abgebrochen',
  trust_anchor_added: 'Vertrauensanker hinzugefügt',
  user_added: 'Konto angelegt',
}

export function eventTypeLabel(type: string): string {
  return labels[type] ?? type
}

const decisionLabels: Record<string, string> = { permit: 'erlaubt', deny: 'verweigert' }

export function decisionLabel(decision: string): string {
  return decisionLabels[decision] ?? decision
}
