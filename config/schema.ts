import { z } from 'zod'

/**
 * The one configuration schema (docs/design.md §6). Every key can come from the optional JSON file
 * (camelCase) or from the environment (the names in {@link environmentNames}); the environment
 * wins. Secrets are only ever read from the environment or from files it names.
 */
export const configSchema = z
  .strictObject({
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    host: z.string().min(1).default('127.0.0.1'),
    publicUrl: z.url().optional(),
    dataDir: z.string().min(1).default('./data'),
    databaseUrl: z
      .string()
      .regex(
        /^(file:|postgres:\/\/|postgresql:\/\/)/,
        'must start with file:, postgres:// or postgresql://',
      )
      .optional(),
    smtpUrl: z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
    /** SMTP ingress port; 0 = any free port, `off` = no ingress. */
    smtpIngressPort: z
      .union([z.literal('off'), z.coerce.number().int().min(0).max(65535)])
      .default(2525),
    /** SMTP ingress STARTTLS certificate (PEM); without it a self-signed one is made at start. */
    smtpIngressTlsCertFile: z.string().min(1).optional(),
    /** SMTP ingress STARTTLS private key (PEM), together with the certificate file. */
    smtpIngressTlsKeyFile: z.string().min(1).optional(),
    /**
     * SMTP ingress: connections at once, over all clients. A staff mail client holds one or two;
     * the caps keep one client (or a flood of them) from taking every socket of the gateway.
     */
    smtpIngressMaxClients: z.coerce.number().int().min(1).max(100_000).default(100),
    /** SMTP ingress: connections at once from one client address. */
    smtpIngressMaxClientsPerAddress: z.coerce.number().int().min(1).max(100_000).default(10),
    /**
     * Where partner gateways reach this instance's inbound S/MIME listener, `smtp://host:port`, as
     * written into the partner cards it exports (a public name behind NAT or a relay).
     */
    inboundSmtpPublicUrl: z
      .string()
      .regex(/^smtp:\/\/[^/?#@\s]+:[0-9]{1,5}$/, 'must be smtp://host:port')
      .optional(),
    /** Days a certificate dropped from a newer partner card is still used and accepted. */
    cardRolloverOverlapDays: z.coerce.number().int().min(0).max(365).default(14),
    /**
     * The demo agencies a fresh demo setup hosts, comma-separated (default all three); the
     * others are left to partner gateways (issue 16, `npm run demo:federation`).
     */
    demoAgencies: z
      .string()
      .regex(/^\s*[a-z0-9-]+(\s*,\s*[a-z0-9-]+)*\s*$/, 'a comma-separated list of agency ids')
      .transform((value) => value.split(',').map((id) => id.trim()))
      .optional(),
    /** Inbound S/MIME listener for partner gateways (issue 16); 0 = any free port, `off` = none. */
    inboundSmtpPort: z
      .union([z.literal('off'), z.coerce.number().int().min(0).max(65535)])
      .default(2526),
    /** Largest message the inbound listener takes (SIZE, RFC 1870); larger is refused with 552. */
    inboundSmtpMaxBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .default(30 * 1024 * 1024),
    demo: z
      .union([
        z.boolean(),
        z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
      ])
      .optional(),
    masterKey: z.string().min(1).optional(),
    masterKeyFile: z.string().min(1).optional(),
    tokenKey: z.string().min(1).optional(),
    tokenKeyFile: z.string().min(1).optional(),
    /**
     * The bearer token Prometheus sends to `GET /api/v1/metrics`; without one the route answers 404.
     * RFC 6750 token characters, long enough not to be guessed.
     */
    metricsToken: z
      .string()
      .regex(
        /^[A-Za-z0-9._~+/-]{32,}=*$/,
        'must be at least 32 characters of A-Z a-z 0-9 . _ ~ + / -',
      )
      .optional(),
    metricsTokenFile: z.string().min(1).optional(),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    tokenTtlMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 30)
      .default(12 * 60),
    sessionIdleMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30),
    /** Failed password checks (login page, SMTP AUTH) per user name and window. */
    authFailureLimit: z.coerce.number().int().min(1).max(1000).default(10),
    /**
     * Failed password checks from one client address, over all names, per window. Higher than the
     * per-name limit: an agency behind one NAT or proxy shares its address, and a few typos of its
     * staff must not lock everyone out.
     */
    authFailureLimitPerAddress: z.coerce.number().int().min(1).max(100_000).default(50),
    /** The window of both failure limits, in minutes. */
    authFailureWindowMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(15),
    cookieSecure: z
      .union([
        z.boolean(),
        z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
      ])
      .default(true),
    consentMaxMonths: z.coerce.number().int().min(1).max(60).default(12),
    guardianAge: z.coerce.number().int().min(14).max(18).default(18),
    /** Relay: how long temporary SMTP failures are retried before a transfer fails (one day). */
    relayRetryHorizonMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 14)
      .default(24 * 60),
    /** Relay: how often the delivery worker looks for due transfers, in milliseconds. */
    relayPollMs: z.coerce.number().int().min(20).max(600_000).default(1000),
    /** Relay: a PEM directory of agency certificates and keys instead of the certificate registry. */
    relayPkiDir: z.string().min(1).optional(),
    /**
     * Relay: how long a worker's claim on a transfer lasts unless renewed, in seconds — how soon
     * the transfers of a process that died are taken over.
     */
    relayLeaseSeconds: z.coerce.number().int().min(2).max(3600).default(30),
    /** Relay: how often a live worker renews its claims, in seconds (below the lease). */
    relayHeartbeatSeconds: z.coerce.number().int().min(1).max(1200).default(10),
    /** Relay: the longest wait between two attempts of a temporarily failing transfer, in seconds. */
    relayBackoffCapSeconds: z.coerce.number().int().min(5).max(3600).default(30),
    /**
     * `/readyz` is not ready while the disk under a SQLite database has less free space than this,
     * in MiB (a small write may still fit where a transfer no longer does). 0 turns the check off.
     */
    readyMinFreeMb: z.coerce.number().int().min(0).max(1_000_000).default(64),
    /** Keys in hardware: the PKCS#11 module (shared library) of the token; unset = file keys only. */
    pkcs11Module: z.string().min(1).optional(),
    /** The token's label; unset = the first token present. */
    pkcs11TokenLabel: z.string().min(1).optional(),
    /** The user PIN of the token (prefer the file). */
    pkcs11Pin: z.string().min(1).optional(),
    /** A file holding the user PIN (one line; outside the repository). */
    pkcs11PinFile: z.string().min(1).optional(),
    /**
     * Which agencies' keys live in the token, by key label: `jc-demo=jc-sign,ja-demo=ja-sign` in
     * the environment, an object in the file. Agencies not named keep their file or stored keys.
     */
    pkcs11AgencyKeys: z
      .unknown()
      .transform((value, ctx): Record<string, string> => {
        const mapping: Record<string, string> = {}
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
          for (const [agencyId, label] of Object.entries(value)) {
            if (typeof label !== 'string' || label === '') {
              ctx.addIssue({ code: 'custom', message: `the label of ${agencyId} must be a text` })
              return z.NEVER
            }
            mapping[agencyId] = label
          }
          return mapping
        }
        if (typeof value !== 'string') {
          ctx.addIssue({ code: 'custom', message: 'must be agency=label pairs or an object' })
          return z.NEVER
        }
        for (const pair of value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)) {
          const [agencyId, label, ...rest] = pair.split('=').map((item) => item.trim())
          if (!agencyId || !label || rest.length > 0) {
            ctx.addIssue({ code: 'custom', message: `"${pair}" is not agency=label` })
            return z.NEVER
          }
          mapping[agencyId] = label
        }
        return mapping
      })
      .default({}),
    /** Days after which personal values in audit entries are erased (three years). */
    auditRetentionDays: z.coerce.number().int().min(30).max(36500).default(1095),
    /** Days after a consent that took effect ended before its record is deleted (three years). */
    consentRetentionDays: z.coerce.number().int().min(30).max(36500).default(1095),
    /** Hours after a draft was declined, discarded or left unsigned before it is deleted. */
    draftRetentionHours: z.coerce.number().int().min(1).max(8760).default(72),
    /**
     * Days a failed or uncertain transfer keeps its sealed message for the retry lever; then the
     * message is dropped and the transfer must be submitted anew.
     */
    failedMessageRetentionDays: z.coerce.number().int().min(1).max(3650).default(30),
    /**
     * Days a received inbox item (case summary or notice, still encrypted) is kept; then the
     * retention purge deletes it with its metadata. Staff file what they need in the case file.
     */
    inboxRetentionDays: z.coerce.number().int().min(1).max(3650).default(90),
    /**
     * Days the sending agency's sealed copy of a transfer (what it sent, readable only with its
     * own key) is kept; then the retention purge deletes it. Staff file what they need in the
     * case file (the transfer page's PDF copy) before then.
     */
    transferCopyRetentionDays: z.coerce.number().int().min(1).max(3650).default(90),
    /**
     * Days a saved composer draft (a case summary being written, sealed for its author) is kept
     * after its last change; then the retention purge deletes it. A draft is work in progress,
     * not a record: what was sent is kept as the transfer's copy.
     */
    composerDraftRetentionDays: z.coerce.number().int().min(1).max(3650).default(30),
    /**
     * Hours an idempotency key (the `Idempotency-Key` header, a mail's Message-ID at the ingress)
     * is kept with its first outcome; a retry within them gets that outcome, not a second record.
     */
    idempotencyKeyRetentionHours: z.coerce.number().int().min(1).max(8760).default(24),
    /** Minutes between the retention purges `brucke serve` runs by itself (0 = never). */
    retentionPurgeIntervalMinutes: z.coerce.number().int().min(0).max(10080).default(60),
    /**
     * Minutes between the CRL refreshes `brucke serve` runs (anchor CRL URLs and the certificates'
     * CRL distribution points); a certificate revoked at its CA is refused within one (0 = never).
     */
    crlRefreshMinutes: z.coerce.number().int().min(0).max(10080).default(60),
    /** Seconds between signed audit checkpoints when the log grew (0 = only on shutdown). */
    auditCheckpointIntervalSeconds: z.coerce.number().int().min(0).max(86400).default(300),
    /** SQLite: milliseconds between checkpoints of the write-ahead log (commits never run one). */
    sqliteCheckpointIntervalMs: z.coerce.number().int().min(50).max(60000).default(1000),
    /** Seconds without input after which the kiosk wipes the person's session. */
    kioskIdleSeconds: z.coerce.number().int().min(15).max(3600).default(120),
    /** Days a youth has after turning 18 to confirm a guardian-signed consent. */
    majorityGraceDays: z.coerce.number().int().min(1).max(365).default(90),
    /** Days before a consent's last valid day that staff are told it ends soon. */
    notifyLapsingDays: z.coerce.number().int().min(1).max(90).default(14),
    /**
     * Whether staff may ask for an e-mail notice of new notifications (sent through `SMTP_URL`,
     * without any personal data: only that there is news and the link). Off unless set.
     */
    notifyEmail: z
      .union([
        z.boolean(),
        z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
      ])
      .default(false),
  })
  // A heartbeat as slow as the lease would let a live worker's claims lapse between two beats.
  .refine((c) => c.relayHeartbeatSeconds * 2 <= c.relayLeaseSeconds, {
    path: ['relayHeartbeatSeconds'],
    message: 'must be at most half of RELAY_LEASE_SECONDS',
  })
  // The notice goes out through a real mail server, never into the demo's local catch-all.
  .refine((c) => !c.notifyEmail || c.smtpUrl !== undefined, {
    path: ['notifyEmail'],
    message: 'needs SMTP_URL',
  })

export type ParsedConfig = z.output<typeof configSchema>

/** Environment variable for each configuration key. */
export const environmentNames = {
  port: 'PORT',
  host: 'HOST',
  publicUrl: 'PUBLIC_URL',
  dataDir: 'BRUCKE_DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  smtpUrl: 'SMTP_URL',
  smtpIngressPort: 'SMTP_INGRESS_PORT',
  smtpIngressTlsCertFile: 'SMTP_INGRESS_TLS_CERT_FILE',
  smtpIngressTlsKeyFile: 'SMTP_INGRESS_TLS_KEY_FILE',
  smtpIngressMaxClients: 'SMTP_INGRESS_MAX_CLIENTS',
  smtpIngressMaxClientsPerAddress: 'SMTP_INGRESS_MAX_CLIENTS_PER_ADDRESS',
  inboundSmtpPublicUrl: 'INBOUND_SMTP_PUBLIC_URL',
  cardRolloverOverlapDays: 'CARD_ROLLOVER_OVERLAP_DAYS',
  demoAgencies: 'BRUCKE_DEMO_AGENCIES',
  inboundSmtpPort: 'INBOUND_SMTP_PORT',
  inboundSmtpMaxBytes: 'INBOUND_SMTP_MAX_BYTES',
  demo: 'BRUCKE_DEMO',
  masterKey: 'BRUCKE_MASTER_KEY',
  masterKeyFile: 'BRUCKE_MASTER_KEY_FILE',
  tokenKey: 'BRUCKE_TOKEN_KEY',
  tokenKeyFile: 'BRUCKE_TOKEN_KEY_FILE',
  metricsToken: 'METRICS_TOKEN',
  metricsTokenFile: 'METRICS_TOKEN_FILE',
  logLevel: 'LOG_LEVEL',
  tokenTtlMinutes: 'TOKEN_TTL_MINUTES',
  sessionIdleMinutes: 'SESSION_IDLE_MINUTES',
  authFailureLimit: 'AUTH_FAILURE_LIMIT',
  authFailureLimitPerAddress: 'AUTH_FAILURE_LIMIT_PER_ADDRESS',
  authFailureWindowMinutes: 'AUTH_FAILURE_WINDOW_MINUTES',
  cookieSecure: 'COOKIE_SECURE',
  consentMaxMonths: 'CONSENT_MAX_MONTHS',
  guardianAge: 'GUARDIAN_AGE',
  relayRetryHorizonMinutes: 'RELAY_RETRY_HORIZON_MINUTES',
  relayPollMs: 'RELAY_POLL_MS',
  relayPkiDir: 'RELAY_PKI_DIR',
  relayLeaseSeconds: 'RELAY_LEASE_SECONDS',
  relayHeartbeatSeconds: 'RELAY_HEARTBEAT_SECONDS',
  relayBackoffCapSeconds: 'RELAY_BACKOFF_CAP_SECONDS',
  readyMinFreeMb: 'READY_MIN_FREE_MB',
  pkcs11Module: 'PKCS11_MODULE',
  pkcs11TokenLabel: 'PKCS11_TOKEN_LABEL',
  pkcs11Pin: 'PKCS11_PIN',
  pkcs11PinFile: 'PKCS11_PIN_FILE',
  pkcs11AgencyKeys: 'PKCS11_AGENCY_KEYS',
  auditRetentionDays: 'AUDIT_RETENTION_DAYS',
  consentRetentionDays: 'CONSENT_RETENTION_DAYS',
  draftRetentionHours: 'DRAFT_RETENTION_HOURS',
  failedMessageRetentionDays: 'FAILED_MESSAGE_RETENTION_DAYS',
  inboxRetentionDays: 'INBOX_RETENTION_DAYS',
  transferCopyRetentionDays: 'TRANSFER_COPY_RETENTION_DAYS',
  composerDraftRetentionDays: 'COMPOSER_DRAFT_RETENTION_DAYS',
  idempotencyKeyRetentionHours: 'IDEMPOTENCY_KEY_RETENTION_HOURS',
  retentionPurgeIntervalMinutes: 'RETENTION_PURGE_INTERVAL_MINUTES',
  crlRefreshMinutes: 'CRL_REFRESH_MINUTES',
  auditCheckpointIntervalSeconds: 'AUDIT_CHECKPOINT_INTERVAL_SECONDS',
  sqliteCheckpointIntervalMs: 'SQLITE_CHECKPOINT_INTERVAL_MS',
  kioskIdleSeconds: 'KIOSK_IDLE_SECONDS',
  majorityGraceDays: 'MAJORITY_GRACE_DAYS',
  notifyLapsingDays: 'NOTIFY_LAPSING_DAYS',
  notifyEmail: 'NOTIFY_EMAIL',
} as const satisfies Record<keyof ParsedConfig, string>

export type ConfigKey = keyof typeof environmentNames
