import { z } from 'zod'
import { identifierSchema } from '../../accounts/account-schemas.ts'
import { mayManageFederation } from '../../accounts/federation-permissions.ts'
import { actorOf, type Principal } from '../../accounts/roles.ts'
import { layout } from '../../templates/pages/layout.ts'
import { partnerCardPreviewView } from '../../templates/pages/admin/partner-card-view.ts'
import { importPartnerCard, previewPartnerCard } from '../federation/import-partner-card.ts'
import { setAgencyProfile } from '../federation/set-agency-profile.ts'
import { ApiError } from '../http/api-error.ts'
import { pageRoute, type AnyPageRoute, type PageResult } from '../http/route.ts'
import { renderAdmin } from './admin-pages.ts'
import { whoOf } from './home-pages.ts'

// Partner cards and S/MIME profiles on the admin page (issue 16 point 1): the same use cases as
// `brucke agency import-card` and `brucke agency set-profile`; forms are CSRF-checked where the
// page routes are mounted.

const adminOnly = ['admin'] as const
/** A card is a few certificates in PEM and a signature: far below this. */
const cardForm = z.strictObject({ card: z.string().max(200_000).optional() })

/** Why a card was refused, in German for the page (the codes of import-partner-card.ts). */
function cardProblem(error: ApiError): string {
  const detail = error.details?.reason
  const reason = typeof detail === 'string' ? detail : ''
  const texts: Record<string, string> = {
    agency_hosted_here:
      'Diese Behörde ist hier gehostet (ihre Schlüssel liegen hier); eine Partnerkarte kann sie nicht ersetzen.',
    card_not_newer:
      'Die Karte ist nicht neuer als die bereits importierte; es wurde nichts geändert.',
    mailbox_taken: 'Das Funktionspostfach der Karte gehört hier schon einer anderen Behörde.',
    certificate_of_other_agency: 'Ein Zertifikat der Karte gehört hier einer anderen Behörde.',
  }
  return `Partnerkarte abgelehnt: ${texts[reason] ?? `Die Karte ist ungültig oder ihre Signatur stimmt nicht (${reason || 'unlesbar'}).`}`
}

/** An agency's administrator does not import cards for the whole instance (accounts/federation-permissions.ts). */
function notAllowed(
  deps: Parameters<typeof renderAdmin>[0],
  ctx: { principal: Principal; cookie: string | undefined },
): Promise<PageResult> {
  return renderAdmin(deps, ctx, {
    status: 403,
    problem: 'Partnerkarten importiert nur die Verwaltung der ganzen Instanz.',
  })
}

async function refused(
  deps: Parameters<typeof renderAdmin>[0],
  ctx: Parameters<typeof renderAdmin>[1],
  error: unknown,
): Promise<PageResult> {
  if (!(error instanceof ApiError)) throw error
  return renderAdmin(deps, ctx, {
    status: error.code === 'conflict' ? 409 : 400,
    problem: cardProblem(error),
  })
}

export const previewPartnerCardPage = pageRoute({
  method: 'post',
  path: '/admin/partner-cards/preview',
  access: adminOnly,
  form: cardForm,
  handle: async ({ deps, principal, body, req }): Promise<PageResult> => {
    const ctx = { principal, cookie: req.headers.cookie }
    if (!mayManageFederation(principal, { kind: 'import_card' })) return notAllowed(deps, ctx)
    const cardText = (body.card ?? '').trim()
    try {
      const preview = await previewPartnerCard(deps, Buffer.from(cardText, 'utf8'))
      const who = await whoOf(deps, principal, req.headers.cookie)
      const { card } = preview
      return {
        status: 200,
        html: layout({
          title: 'Partnerkarte prüfen',
          who,
          styles: ['/assets/dpo.css', '/assets/admin.css'],
          body: partnerCardPreviewView({
            csrfToken: who.csrfToken,
            cardText,
            agency: card.agency,
            inboundSmtp: card.inboundSmtp,
            crlUrl: card.crlUrl,
            issuedAt: card.issuedAt,
            replaces: preview.replaces,
            fingerprints: preview.fingerprints,
          }),
        }),
      }
    } catch (error) {
      return refused(deps, ctx, error)
    }
  },
})

export const importPartnerCardPage = pageRoute({
  method: 'post',
  path: '/admin/partner-cards/import',
  access: adminOnly,
  form: cardForm,
  handle: async ({ deps, principal, body, req }): Promise<PageResult> => {
    if (!mayManageFederation(principal, { kind: 'import_card' }))
      return notAllowed(deps, { principal, cookie: req.headers.cookie })
    try {
      const imported = await importPartnerCard(deps, {
        actor: actorOf(principal),
        bytes: Buffer.from((body.card ?? '').trim(), 'utf8'),
      })
      return { redirect: `/admin?added=card:${imported.card.agency.id}` }
    } catch (error) {
      return refused(deps, { principal, cookie: req.headers.cookie }, error)
    }
  },
})

export const setAgencyProfilePage = pageRoute({
  method: 'post',
  path: '/admin/agencies/profile',
  access: adminOnly,
  form: z.strictObject({
    agencyId: z.string().max(100).optional(),
    smimeProfile: z.string().max(20).optional(),
  }),
  handle: async ({ deps, principal, body, req }): Promise<PageResult> => {
    const agencyId = identifierSchema.safeParse(body.agencyId)
    const profile = z.enum(['modern', 'compatible']).safeParse(body.smimeProfile)
    if (!agencyId.success || !profile.success)
      return renderAdmin(
        deps,
        { principal, cookie: req.headers.cookie },
        { status: 400, problem: 'Bitte eine Behörde und ein Profil wählen.' },
      )
    // Another agency's profile: answered as if it did not exist, like every other object here.
    if (!mayManageFederation(principal, { kind: 'set_profile', agencyId: agencyId.data }))
      return renderAdmin(
        deps,
        { principal, cookie: req.headers.cookie },
        { status: 404, problem: 'Diese Behörde gibt es hier nicht.' },
      )
    try {
      await setAgencyProfile(deps, {
        actor: actorOf(principal),
        agencyId: agencyId.data,
        profile: profile.data,
      })
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'not_found') throw error
      return renderAdmin(
        deps,
        { principal, cookie: req.headers.cookie },
        { status: 404, problem: 'Diese Behörde gibt es hier nicht.' },
      )
    }
    return { redirect: `/admin?added=profile:${agencyId.data}` }
  },
})

/** The federation forms of the admin page. */
export const adminCardPageRoutes: AnyPageRoute[] = [
  previewPartnerCardPage,
  importPartnerCardPage,
  setAgencyProfilePage,
]
