import type { Actor, AuditEvent } from './audit-event.ts'

/**
 * Event fields that hold personal data of a young person (or may, like a mistyped login name or a
 * DPO's free-text reason). They never enter the hash chain in clear: only a salted commitment does
 * (see hash-chain.ts), so the retention purge can erase them and the log still verifies
 * (Art. 5(1)(e) and Art. 17 GDPR). Areas that add such a field must list it here.
 */
export const personalFieldNames = ['subjectPseudonym', 'username', 'statedReason'] as const

/** What stands for a youth actor (`youth:<pseudonym>`) in the hashed bytes and after erasure. */
export const maskedYouthActor = 'youth:-' satisfies Actor

/** What a personal field holds in the hashed bytes: its name stays, its value is committed. */
export const committedValue = 'committed'

/** What an erased personal field reads as. */
export const erasedValue = 'erased'

export interface SplitEntry {
  /** The actor as hashed in clear: a youth's pseudonym is replaced by {@link maskedYouthActor}. */
  actor: Actor
  /** The event with each personal value replaced by {@link committedValue}. */
  event: Record<string, unknown>
  /** The personal values, or null when the entry has none. */
  personal: Record<string, string> | null
}

/** Separates an entry's personal values from what is hashed in clear. */
export function splitPersonalData(actor: Actor, event: AuditEvent): SplitEntry {
  const personal: Record<string, string> = {}
  const rest: Record<string, unknown> = { ...event }
  for (const name of personalFieldNames) {
    const value = rest[name]
    if (typeof value === 'string') {
      personal[name] = value
      rest[name] = committedValue
    }
  }
  let maskedActor = actor
  if (actor.startsWith('youth:')) {
    personal.actor = actor
    maskedActor = maskedYouthActor
  }
  return {
    actor: maskedActor,
    event: rest,
    personal: Object.keys(personal).length > 0 ? personal : null,
  }
}

/**
 * Puts the personal values back. When they were erased (`personal` null), each committed field
 * reads as {@link erasedValue}; the actor stays {@link maskedYouthActor}.
 */
export function joinPersonalData(
  hashed: { actor: string; event: Record<string, unknown> },
  personal: Record<string, string> | null,
): { actor: string; event: Record<string, unknown> } {
  const event = { ...hashed.event }
  for (const name of personalFieldNames) {
    if (event[name] === committedValue) event[name] = personal?.[name] ?? erasedValue
  }
  const actor = hashed.actor === maskedYouthActor && personal?.actor ? personal.actor : hashed.actor
  return { actor, event }
}
