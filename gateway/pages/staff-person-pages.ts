import { z } from 'zod'
import { vocabulary } from '../../config/vocabulary.ts'
import { berlinDateOf } from '../../consent/calendar.ts'
import { ConsentError } from '../../consent/errors.ts'
import { parsePersonQuery, personConsentActions } from '../../consent/person-search.ts'
import { listAgencies } from '../../db/account-repository.ts'
import { inboxItemKindSchema } from '../../db/inbox-repository.ts'
import { peopleView } from '../../templates/pages/staff/people-view.ts'
import { personView } from '../../templates/pages/staff/person-view.ts'
import { say } from '../../templates/pages/view-models/staff-language.ts'
import { pageRoute, type AnyPageRoute } from '../http/route.ts'
import { findPeople, loadPersonDesk } from '../staff/person-desk.ts'
import { staffLanguageOf } from '../staff/staff-language-cookie.ts'
import { transferStatusTexts } from '../staff/transfer-status-text.ts'
import { whoOf } from './home-pages.ts'
import { staffPageFrame, type StaffCtx } from './staff-page-frame.ts'

/** The search box as typed; longer input is refused with a message, never a 500. */
const querySchema = z.string().trim().max(200)

/** A pseudonym as `consent/pseudonym.ts` makes it; anything else is an unknown person. */
export const pseudonymParamSchema = z.string().regex(/^psn_[0-9a-f]{32}$/)

const pseudonymOf = (ctx: StaffCtx): string => {
  const parsed = pseudonymParamSchema.safeParse(ctx.params.pseudonym)
  if (!parsed.success) throw new ConsentError('ERR_CONSENT_NOT_FOUND', 'No such person for you.')
  return parsed.data
}

/**
 * The search page: `GET` shows the form, `POST` (field `q`) the people found. The search is
 * posted, never put in the address, so a name typed into it stays out of browser histories and
 * proxy logs (staff guide: names never appear in a URL).
 */
async function renderPeople(ctx: StaffCtx, raw: unknown) {
  const lang = staffLanguageOf(ctx.req)
  const typed = querySchema.safeParse(raw ?? '')
  let results = null
  let error: string | undefined
  if (!typed.success) {
    error = say(
      lang,
      'Die Suche ist zu lang oder unlesbar (höchstens 200 Zeichen).',
      'The search is too long or unreadable (200 characters at most).',
    )
  } else if (raw !== undefined) {
    const query = parsePersonQuery(typed.data)
    if (query === null)
      error = say(
        lang,
        'Bitte einen Namen, ein Geburtsdatum (TT.MM.JJJJ) oder ein Aktenzeichen eingeben.',
        'Please enter a name, a date of birth (DD.MM.YYYY) or a case reference.',
      )
    else results = await findPeople(ctx.deps, { principal: ctx.principal, query })
  }
  const who = await whoOf(ctx.deps, ctx.principal, ctx.req.headers.cookie)
  return {
    status: error ? 400 : 200,
    html: await staffPageFrame(ctx.deps, ctx, {
      title: say(lang, 'Person suchen', 'Find a person'),
      current: 'people',
      here: '/staff/people',
      body: peopleView({
        language: lang,
        csrfToken: who.csrfToken,
        query: typed.success ? typed.data : '',
        results,
        ...(error ? { error } : {}),
      }),
    }),
  }
}

/** `GET /staff/people`: the search form (issue 18 point 1). */
export const staffPeoplePage = pageRoute({
  method: 'get',
  path: '/staff/people',
  access: ['staff'],
  handle: (ctx) => renderPeople(ctx, undefined),
})

/** `POST /staff/people`: search by name, birth date or case reference (issue 18 point 1). */
export const staffSearchPeoplePage = pageRoute({
  method: 'post',
  path: '/staff/people',
  access: ['staff'],
  // Shapes only; the length and what can be searched for are told on the page (400).
  form: z.strictObject({ q: z.string().max(10_000).default('') }),
  handle: (ctx) => renderPeople(ctx, ctx.body.q),
})

/** `GET /staff/people/:pseudonym`: the person page of one young person (issue 18 point 1). */
export const staffPersonPage = pageRoute({
  method: 'get',
  path: '/staff/people/:pseudonym',
  access: ['staff'],
  handle: async (ctx) => {
    const lang = staffLanguageOf(ctx.req)
    const pseudonym = pseudonymOf(ctx)
    const desk = await loadPersonDesk(ctx.deps, {
      principal: ctx.principal,
      pseudonym,
      via: 'page',
    })
    const agencyId = ctx.principal.agencyId
    const today = berlinDateOf(ctx.deps.clock.now())
    const who = await whoOf(ctx.deps, ctx.principal, ctx.req.headers.cookie)
    return {
      html: await staffPageFrame(ctx.deps, ctx, {
        title: `${desk.person.givenName} ${desk.person.familyName}`,
        current: 'people',
        here: `/staff/people/${pseudonym}`,
        body: personView({
          language: lang,
          csrfToken: who.csrfToken,
          ownAgencyId: agencyId,
          agencies: await listAgencies(ctx.deps.db),
          vocabulary,
          person: desk.person,
          consents: desk.consents.map((consent) => ({
            consent,
            actions: personConsentActions(agencyId, consent, today),
          })),
          transfers: desk.transfers,
          inboxItems: desk.inboxItems.flatMap((item) => {
            const kind = inboxItemKindSchema.safeParse(item.kind)
            return kind.success ? [{ ...item, kind: kind.data }] : []
          }),
          requests: desk.requests,
          transferStatusTexts: transferStatusTexts(lang),
        }),
      }),
    }
  },
})

/** The person pages of the staff workplace. */
export const staffPersonPageRoutes: AnyPageRoute[] = [
  staffPeoplePage,
  staffSearchPeoplePage,
  staffPersonPage,
]
