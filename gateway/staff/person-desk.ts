import type { StaffPrincipal } from '../../accounts/roles.ts'
import type { ConsentActor } from '../../consent/permissions.ts'
import {
  personRecordOf,
  searchPeople,
  type PersonMatch,
  type PersonQuery,
  type PersonRecord,
} from '../../consent/person-search.ts'
import { ConsentError } from '../../consent/errors.ts'
import {
  listInboxItemsOfPerson,
  listOpenRequestsUnderConsents,
  listTransfersUnderConsents,
  type PersonInboxRow,
  type PersonRequestRow,
  type PersonTransferRow,
} from '../../db/person-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { listConsentsOfAgency } from '../../db/consent-repository.ts'
import { toConsentView, type ConsentView } from '../consent/consent-view.ts'
import type { Deps } from '../deps.ts'

/** How many of the agency's consents a search or a person page reads (newest first). */
const consentWindow = 2000

const staffActor = (principal: StaffPrincipal): ConsentActor => ({
  kind: 'staff',
  agencyId: principal.agencyId,
})

/** The agency's consents as the staff pages show them, at `now`. */
async function consentsOfAgency(deps: Deps, agencyId: string, now: Date): Promise<ConsentView[]> {
  const stored = await listConsentsOfAgency(deps.db, agencyId, consentWindow)
  return stored.map((s) => toConsentView(s, now))
}

/**
 * The people among the caller's agency's consents who fit the search (issue 18 point 1). Audited
 * (`person_searched`): how many words, whether a birth date, how many matches — not the words.
 */
export async function findPeople(
  deps: Deps,
  input: { principal: StaffPrincipal; query: PersonQuery },
): Promise<PersonMatch<ConsentView>[]> {
  const now = deps.clock.now()
  const consents = await consentsOfAgency(deps, input.principal.agencyId, now)
  const matches = searchPeople(staffActor(input.principal), consents, input.query)
  await appendAuditEvent(deps.db, {
    at: now,
    actor: `user:${input.principal.userId}`,
    event: {
      type: 'person_searched',
      agencyId: input.principal.agencyId,
      termCount: input.query.terms.length,
      withBirthDate: input.query.birthDate !== null,
      matches: matches.length,
    },
  })
  return matches
}

export type PersonDesk = PersonRecord<
  ConsentView,
  PersonTransferRow,
  PersonInboxRow,
  PersonRequestRow
>

/**
 * One person as the caller's agency knows them; `ERR_CONSENT_NOT_FOUND` (404) when the agency is
 * party to none of their consents, so an unknown pseudonym and another agency's person look alike.
 * Audited (`person_viewed`, `via` the page or a prefilled form) when it was found.
 */
export async function loadPersonDesk(
  deps: Deps,
  input: { principal: StaffPrincipal; pseudonym: string; via: 'page' | 'prefill' },
): Promise<PersonDesk> {
  const agencyId = input.principal.agencyId
  const all = await consentsOfAgency(deps, agencyId, deps.clock.now())
  const consents = all.filter((c) => c.subjectPseudonym === input.pseudonym)
  const consentIds = consents.map((c) => c.id)
  const [transfers, inboxItems, requests] =
    consents.length === 0
      ? [[], [], []]
      : await Promise.all([
          listTransfersUnderConsents(deps.db, { senderAgencyId: agencyId, consentIds }),
          listInboxItemsOfPerson(deps.db, {
            recipientAgencyId: agencyId,
            pseudonym: input.pseudonym,
            consentIds,
          }),
          listOpenRequestsUnderConsents(deps.db, { agencyId, consentIds }),
        ])
  const record = personRecordOf(staffActor(input.principal), {
    pseudonym: input.pseudonym,
    consents,
    transfers,
    inboxItems,
    requests,
  })
  if (!record) throw new ConsentError('ERR_CONSENT_NOT_FOUND', 'No such person for you.')
  await appendAuditEvent(deps.db, {
    at: deps.clock.now(),
    actor: `user:${input.principal.userId}`,
    event: {
      type: 'person_viewed',
      subjectPseudonym: input.pseudonym,
      agencyId,
      via: input.via,
    },
  })
  return record
}

/**
 * The person fields of a new consent form for someone the agency already knows (the spelling and
 * the agency's own case reference of their newest consent), or undefined for anyone else.
 */
export async function personPrefill(
  deps: Deps,
  input: { principal: StaffPrincipal; pseudonym: string },
): Promise<
  { givenName: string; familyName: string; birthDate: string; caseRef: string } | undefined
> {
  try {
    const desk = await loadPersonDesk(deps, { ...input, via: 'prefill' })
    const newest = desk.consents[0]
    return {
      givenName: desk.person.givenName,
      familyName: desk.person.familyName,
      birthDate: desk.person.birthDate,
      caseRef: newest?.subject.caseRefs[input.principal.agencyId] ?? '',
    }
  } catch (error) {
    if (error instanceof ConsentError && error.code === 'ERR_CONSENT_NOT_FOUND') return undefined
    throw error
  }
}
