import { addDays, type CalendarDate } from './calendar.ts'
import { relationOf, type ConsentActor, type ConsentPartyFacts } from './permissions.ts'
import { normaliseName } from './pseudonym.ts'

/**
 * Finding a young person at the caseworker's desk (issue 18 point 1). Pure, in the style of
 * `permissions.ts`: the gateway loads the consents of the caller's agency and what it sent,
 * received and was asked, and the rules here decide what of it the caller sees.
 *
 * - Only staff search, and only over consents their own agency is a party to (creator, sender or
 *   recipient): there is no cross-agency lookup of young people (docs/design.md §3.3 (6)). Every
 *   other caller — DPO, admin, kiosk, a `/me` session, a worker — finds nobody.
 * - A person is their pseudonym (keyed HMAC over names and birth date, `pseudonym.ts`). Their page
 *   exists for a caller only while the caller's agency is party to one of their consents; for
 *   anyone else it is "not found", exactly like a pseudonym nobody knows.
 * - The page shows what the caller's agency itself did or got about the person: transfers it
 *   sent, inbox items it received, open requests it made or was asked — never another agency's.
 */

/** A search as typed: words to find in names or case references, and perhaps a birth date. */
export interface PersonQuery {
  terms: readonly string[]
  birthDate: CalendarDate | null
}

/** What the search reads of a consent: its parties, its person and what the agency typed. */
export interface PersonConsentFacts extends ConsentPartyFacts {
  subjectPseudonym: string
  subject: {
    givenName: string
    familyName: string
    birthDate: CalendarDate
    /** Agency id → case reference (Aktenzeichen). */
    caseRefs: Readonly<Record<string, string>>
  }
}

/** One person found, with the consents that name them (newest first, as given). */
export interface PersonMatch<C extends PersonConsentFacts> {
  pseudonym: string
  givenName: string
  familyName: string
  birthDate: CalendarDate
  caseRefs: readonly string[]
  consents: readonly C[]
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/
const germanDate = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/

/** A real calendar date from `YYYY-MM-DD` or `D.M.YYYY`, or null. */
function calendarDateOf(token: string): CalendarDate | null {
  const iso = isoDate.exec(token)
  const german = germanDate.exec(token)
  const [y, m, d] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : german
      ? [Number(german[3]), Number(german[2]), Number(german[1])]
      : [0, 0, 0]
  if (y === 0) return null
  const date = new Date(Date.UTC(y, m - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return null
  return date.toISOString().slice(0, 10)
}

/**
 * How names are compared in a search: as for the pseudonym (`normaliseName`), and without accents,
 * so "Ozdemir" typed on a German keyboard finds "Özdemir".
 */
const foldForSearch = (text: string): string =>
  normaliseName(text).normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC')

/** How a case reference is compared: folded like a name, without spaces. */
const normaliseCaseRef = (ref: string): string => foldForSearch(ref).replace(/\s/gu, '')

/**
 * Reads the search box: a date (`14.03.2007` or `2007-03-14`) is the birth date, every other
 * word must be found in the given name, the family name or a case reference. Null when nothing
 * is left to search for.
 */
export function parsePersonQuery(text: string): PersonQuery | null {
  const terms: string[] = []
  let birthDate: CalendarDate | null = null
  for (const token of foldForSearch(text).split(/[\s,;]+/u)) {
    if (token === '') continue
    const date: CalendarDate | null = birthDate === null ? calendarDateOf(token) : null
    if (date !== null) birthDate = date
    else terms.push(token)
  }
  return terms.length === 0 && birthDate === null ? null : { terms, birthDate }
}

/** Whether one consent's person fits the query. */
export function matchesPersonQuery(consent: PersonConsentFacts, query: PersonQuery): boolean {
  const { subject } = consent
  if (query.birthDate !== null && subject.birthDate !== query.birthDate) return false
  const names = [foldForSearch(subject.givenName), foldForSearch(subject.familyName)]
  const refs = Object.values(subject.caseRefs).map(normaliseCaseRef)
  return query.terms.every(
    (term) =>
      names.some((name) => name.includes(term)) ||
      refs.some((ref) => ref.includes(term.replace(/\s/gu, ''))),
  )
}

/** The consents the actor's agency is a party to (staff only; nobody else sees any). */
function visibleTo<C extends PersonConsentFacts>(actor: ConsentActor, consents: readonly C[]): C[] {
  if (actor.kind !== 'staff') return []
  return consents.filter((c) => relationOf(c, actor.agencyId) !== 'none')
}

function groupByPerson<C extends PersonConsentFacts>(consents: readonly C[]): PersonMatch<C>[] {
  const people = new Map<string, C[]>()
  for (const consent of consents) {
    const list = people.get(consent.subjectPseudonym) ?? []
    list.push(consent)
    people.set(consent.subjectPseudonym, list)
  }
  return [...people.entries()]
    .map(([pseudonym, list]) => {
      // The spelling of the newest consent names the person.
      const newest = list[0] as C
      return {
        pseudonym,
        givenName: newest.subject.givenName,
        familyName: newest.subject.familyName,
        birthDate: newest.subject.birthDate,
        caseRefs: [...new Set(list.flatMap((c) => Object.values(c.subject.caseRefs)))],
        consents: list,
      }
    })
    .sort(
      (a, b) =>
        a.familyName.localeCompare(b.familyName, 'de') ||
        a.givenName.localeCompare(b.givenName, 'de') ||
        a.birthDate.localeCompare(b.birthDate) ||
        a.pseudonym.localeCompare(b.pseudonym),
    )
}

/**
 * The people whose consents fit the query, among the consents the actor's agency is a party to.
 * `consents` may hold more (the caller's loading is a bound, not the rule): they are ignored.
 */
export function searchPeople<C extends PersonConsentFacts>(
  actor: ConsentActor,
  consents: readonly C[],
  query: PersonQuery,
): PersonMatch<C>[] {
  return groupByPerson(visibleTo(actor, consents).filter((c) => matchesPersonQuery(c, query)))
}

/** What the person page reads of a transfer the gateway holds. */
export interface PersonTransferFacts {
  kind: string
  senderAgencyId: string
  consentId: string
}

/** What the person page reads of an item in an agency's inbox. */
export interface PersonInboxFacts {
  recipientAgencyId: string
  status: 'received' | 'quarantined'
  subjectPseudonym: string | null
  consentId: string | null
}

/** What the person page reads of a data request. */
export interface PersonRequestFacts {
  status: 'open' | 'answered'
  requesterAgencyId: string
  holderAgencyId: string
  consentId: string
}

export interface PersonRecordInput<
  C extends PersonConsentFacts,
  T extends PersonTransferFacts,
  I extends PersonInboxFacts,
  R extends PersonRequestFacts,
> {
  pseudonym: string
  consents: readonly C[]
  transfers: readonly T[]
  inboxItems: readonly I[]
  requests: readonly R[]
}

/** One person as the caller's agency knows them. */
export interface PersonRecord<C, T, I, R> {
  person: Omit<PersonMatch<PersonConsentFacts>, 'consents'>
  consents: readonly C[]
  transfers: readonly T[]
  inboxItems: readonly I[]
  requests: readonly R[]
}

/**
 * Everything the actor's agency holds about one person, or undefined ("not found") when the
 * agency is party to none of the person's consents. The inputs may hold more than that (other
 * agencies' transfers, items and requests, other people's consents): only what is the agency's
 * own and tied to this person is kept — transfers it sent under the person's consents, received
 * items naming the person's pseudonym or one of those consents, and open requests it made or was
 * asked under them.
 */
export function personRecordOf<
  C extends PersonConsentFacts,
  T extends PersonTransferFacts,
  I extends PersonInboxFacts,
  R extends PersonRequestFacts,
>(actor: ConsentActor, input: PersonRecordInput<C, T, I, R>): PersonRecord<C, T, I, R> | undefined {
  if (actor.kind !== 'staff') return undefined
  const agencyId = actor.agencyId
  const consents = visibleTo(
    actor,
    input.consents.filter((c) => c.subjectPseudonym === input.pseudonym),
  )
  const found = groupByPerson(consents)[0]
  if (!found) return undefined
  const ids = new Set(consents.map((c) => c.id))
  return {
    person: {
      pseudonym: found.pseudonym,
      givenName: found.givenName,
      familyName: found.familyName,
      birthDate: found.birthDate,
      caseRefs: found.caseRefs,
    },
    consents,
    transfers: input.transfers.filter(
      (t) => t.kind === 'transfer' && t.senderAgencyId === agencyId && ids.has(t.consentId),
    ),
    inboxItems: input.inboxItems.filter(
      (i) =>
        i.recipientAgencyId === agencyId &&
        i.status === 'received' &&
        (i.subjectPseudonym === input.pseudonym || (i.consentId !== null && ids.has(i.consentId))),
    ),
    requests: input.requests.filter(
      (r) =>
        r.status === 'open' &&
        (r.requesterAgencyId === agencyId || r.holderAgencyId === agencyId) &&
        ids.has(r.consentId),
    ),
  }
}

/** The actions the person page offers for one consent. */
export interface PersonConsentActions {
  /** Compose a case summary under it (`/staff/compose/:id`). */
  send: boolean
  /** Prepare its renewal (`/staff/consents/:id/renewal`). */
  renew: boolean
  /** Record a revocation the person declared. */
  revoke: boolean
  /** Print the form (a draft, for the paper signature) or the signed consent. */
  print: boolean
  /** Active and ending within {@link endingSoonDays}: said beside its validity. */
  endingSoon: boolean
}

/** Days before `validUntil` from which an active consent counts as ending. */
export const endingSoonDays = 30

/**
 * What fits a consent on the person page, for staff of `agencyId`: sending and renewing only for
 * a sending agency (the renewal's draft names it as sender), sending only while active and not
 * used up (a single-transfer consent carries one transfer), renewing
 * once it ends within {@link endingSoonDays} or has ended (revoked, expired, lapsed), recording
 * a revocation while active (any party may take the person's declaration, `permissions.ts`).
 */
export function personConsentActions(
  agencyId: string,
  consent: ConsentPartyFacts & {
    validUntil: CalendarDate
    /** A single-transfer consent, once its one transfer was sent, carries nothing more. */
    singleTransfer?: { usedByTransferId?: string | undefined } | null
  },
  today: CalendarDate,
): PersonConsentActions {
  const relation = relationOf(consent, agencyId)
  const sends = relation === 'creator' || relation === 'sender'
  const ended =
    consent.status === 'revoked' || consent.status === 'expired' || consent.status === 'lapsed'
  const ending = consent.status === 'active' && consent.validUntil <= addDays(today, endingSoonDays)
  return {
    send:
      sends &&
      consent.status === 'active' &&
      consent.singleTransfer?.usedByTransferId === undefined,
    renew: sends && (ended || ending),
    revoke: relation !== 'none' && consent.status === 'active',
    print: relation !== 'none',
    endingSoon: ending,
  }
}
