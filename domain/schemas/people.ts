import { PERSON_ROLES, PRINCIPAL_KINDS, TOKEN_ROLES } from '../vocabulary';
import { Code, Instant, Name, plain, text, z } from './common';

/** Usernames are ASCII, compared lower-cased: letters, digits, ".", "_", "-" or "@". */
export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._@-]{2,99}$/, '3-100 letters, digits, ".", "_", "-" or "@", starting with a letter or digit')
  .openapi({ example: 'wang.li' });

export const LoginBody = z
  .object({ username: plain(200, 1), password: plain(200, 1) })
  .strict()
  .openapi('Login');

export const PasswordBody = z
  .object({ password: plain(200, 1).openapi({ description: 'At least 10 characters, not one of the common passwords, not containing the username' }) })
  .strict()
  .openapi('SetPassword');

export const InvitationParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) });

export const CreatePersonBody = z
  .object({
    name: Name,
    username: Username,
    role: z.enum(PERSON_ROLES),
    officeCode: Code.optional().openapi({ description: 'Office roles: the office in your subtree the person works in (default: yours)' }),
    unitCode: Code.optional().openapi({ description: 'unit_contact: the unit in your subtree the person acts for (required)' }),
  })
  .strict()
  .openapi('CreatePerson');
export type CreatePersonBody = z.infer<typeof CreatePersonBody>;

export const InvitationView = z
  .object({
    id: z.string().openapi({ description: 'The person\'s id' }),
    invitationUrl: z.string().openapi({ description: 'A one-time link to set a password, valid 7 days; its last segment is the token for POST /auth/invitations/{token}' }),
    expiresAt: z.string(),
  })
  .openapi('Invitation');

export const PersonView = z
  .object({
    id: z.string(),
    name: z.string(),
    username: z.string(),
    role: z.enum(PERSON_ROLES),
    officeCode: z.string().nullable(),
    unitCode: z.string().nullable(),
    active: z.boolean(),
    hasPassword: z.boolean(),
    invitationExpiresAt: z.string().nullable().openapi({ description: 'An open invitation\'s expiry, if one is pending' }),
    createdAt: z.string(),
    createdBy: z.string().nullable(),
  })
  .openapi('Person');

export const PrincipalView = z.object({ principal: z.record(z.string(), z.unknown()).openapi({ description: 'As GET /me answers' }) }).openapi('SignedIn');

export const CsrfView = z.object({ token: z.string().nullable().openapi({ description: 'The X-CSRF-Token value for this session; null for a bearer token, which needs none' }) }).openapi('Csrf');

export const CreateTokenBody = z
  .object({
    kind: z.enum(PRINCIPAL_KINDS),
    code: Code,
    label: text(200, { blank: true }).optional(),
    role: z.enum(TOKEN_ROLES).optional().openapi({ description: 'Office tokens: full (admin and supervisor), admin, supervisor or viewer; default: what the caller may do itself' }),
    expiresAt: Instant.optional().openapi({ description: 'When the token stops working; default never' }),
  })
  .strict()
  .openapi('CreateToken');
export type CreateTokenBody = z.infer<typeof CreateTokenBody>;

export const TokenView = z
  .object({
    id: z.string(),
    token: z.string().openapi({ description: 'Shown once; only its hash is stored' }),
    kind: z.enum(PRINCIPAL_KINDS),
    code: z.string(),
    label: z.string().nullable(),
    role: z.enum(TOKEN_ROLES).nullable().openapi({ description: 'Office tokens only' }),
    expiresAt: z.string().nullable(),
  })
  .openapi('Token');

export const TokenListView = TokenView.omit({ token: true })
  .extend({ createdAt: z.string(), createdBy: z.string().nullable(), revokedAt: z.string().nullable() })
  .openapi('TokenEntry');
