import { mayManageFederation } from '../../accounts/federation-permissions.ts'
import { z } from 'zod'
import {
  agencySchema,
  identifierSchema,
  newAgencySchema,
  newUserSchema,
  userSchema,
} from '../../accounts/account-schemas.ts'
import { mayAdminister } from '../../accounts/admin-permissions.ts'
import { findAgency, listAgencies, listUsersOfAgency } from '../../db/account-repository.ts'
import { listHostedAgencyIds } from '../../db/federation-repository.ts'
import { addAgency, addUser } from '../accounts/account-service.ts'
import { ApiError } from './api-error.ts'
import { apiRoute } from './route.ts'

/** An agency as listed: `hosted` — its keys here (true) or a partner known by its card (false). */
const listedAgencySchema = agencySchema.extend({ hosted: z.boolean() })
const agencyListSchema = z.strictObject({ agencies: z.array(listedAgencySchema) })

export const listAgenciesRoute = apiRoute({
  method: 'get',
  path: '/agencies',
  summary: 'List the registered agencies',
  access: ['staff', 'dpo', 'admin', 'kiosk'],
  response: agencyListSchema,
  handle: async ({ deps }) => {
    const hosted = await listHostedAgencyIds(deps.db)
    const agencies = await listAgencies(deps.db)
    return { agencies: agencies.map((agency) => ({ ...agency, hosted: hosted.has(agency.id) })) }
  },
})

export const addAgencyRoute = apiRoute({
  method: 'post',
  path: '/agencies',
  summary: 'Register an agency (admin)',
  access: ['admin'],
  body: newAgencySchema,
  status: 201,
  response: agencySchema,
  handle: async ({ deps, principal, body }) => {
    if (!mayManageFederation(principal, { kind: 'register_agency' }))
      throw new ApiError(
        'forbidden',
        'Only the administration of the whole instance registers agencies.',
      )
    return addAgency(deps, { actor: `user:${principal.userId}`, agency: body })
  },
})

const publicUserSchema = userSchema.omit({ disabled: true })

export const listAgencyUsersRoute = apiRoute({
  method: 'get',
  path: '/agencies/:agencyId/users',
  summary: "List an agency's accounts (admin, or staff and DPO of that agency)",
  access: ['staff', 'dpo', 'admin'],
  params: z.strictObject({ agencyId: identifierSchema }),
  response: z.strictObject({ users: z.array(publicUserSchema) }),
  handle: async ({ deps, principal, params }) => {
    // Another agency's staff list is not disclosed, not even whether the agency has one.
    if (principal.role !== 'admin' && principal.agencyId !== params.agencyId)
      throw new ApiError('not_found', 'No such agency.')
    if (!(await findAgency(deps.db, params.agencyId)))
      throw new ApiError('not_found', 'No such agency.')
    const users = await listUsersOfAgency(deps.db, params.agencyId)
    return { users: users.map(({ disabled: _d, ...user }) => user) }
  },
})

export const addUserRoute = apiRoute({
  method: 'post',
  path: '/users',
  summary: 'Create an account (admin)',
  access: ['admin'],
  body: newUserSchema,
  status: 201,
  response: publicUserSchema,
  handle: async ({ deps, principal, body }) => {
    // An agency's administrator makes accounts of its own agency only (issue 18 point 7).
    if (!mayAdminister(principal, { kind: 'account', action: 'create', account: body }))
      throw new ApiError(
        'forbidden',
        'An agency administrator creates accounts of its own agency only.',
      )
    const { disabled: _d, ...user } = await addUser(deps, {
      actor: `user:${principal.userId}`,
      user: body,
    })
    return user
  },
})

export const whoAmIRoute = apiRoute({
  method: 'get',
  path: '/me',
  summary: 'The calling account',
  access: ['staff', 'dpo', 'admin', 'kiosk'],
  response: z.strictObject({
    userId: z.string(),
    role: z.string(),
    agencyId: z.string().nullable(),
    allAgencies: z.boolean(),
  }),
  handle: ({ principal }) =>
    Promise.resolve({
      userId: principal.userId,
      role: principal.role,
      agencyId: principal.agencyId,
      allAgencies: principal.allAgencies,
    }),
})
