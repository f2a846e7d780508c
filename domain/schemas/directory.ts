import { OBSERVER_ROLES, OFFICE_LEVELS, UNIT_KINDS } from '../vocabulary';
import { Code, Name, z } from './common';

export const CreateOfficeBody = z
  .object({ code: Code, name: Name, level: z.enum(OFFICE_LEVELS), parentCode: Code.optional() })
  .strict()
  .openapi('CreateOffice');
export type CreateOfficeBody = z.infer<typeof CreateOfficeBody>;

export const OfficeView = z
  .object({ code: z.string(), name: z.string(), level: z.enum(OFFICE_LEVELS), parentCode: z.string().nullable() })
  .openapi('Office');

export const CreateUnitBody = z
  .object({ code: Code, name: Name, kind: z.enum(UNIT_KINDS), officeCode: Code })
  .strict()
  .openapi('CreateUnit');
export type CreateUnitBody = z.infer<typeof CreateUnitBody>;

export const UnitView = z
  .object({ code: z.string(), name: z.string(), kind: z.enum(UNIT_KINDS), officeCode: z.string() })
  .openapi('Unit');

export const ListUnitsQuery = z.object({ officeCode: Code.optional() });

export const CreateObserverBody = z
  .object({ code: Code, name: Name, role: z.enum(OBSERVER_ROLES), unitCode: Code })
  .strict()
  .openapi('CreateObserver');
export type CreateObserverBody = z.infer<typeof CreateObserverBody>;

export const ObserverView = z
  .object({ code: z.string(), name: z.string(), role: z.enum(OBSERVER_ROLES), unitCode: z.string() })
  .openapi('Observer');

export const ListObserversQuery = z.object({ unitCode: Code.optional() });

export { CreateTokenBody, TokenView } from './people';

export const ObserverLinkView = z
  .object({
    observerCode: z.string(),
    url: z.string().openapi({ description: "The observer's personal link; opening it signs them in to their questionnaires only" }),
    token: z.string().openapi({ description: "The link's last path segment: the observer's bearer token. Shown once; the previous link stops working" }),
    issuedAt: z.string(),
  })
  .openapi('ObserverLink');

export const ObserverLinkSheetView = z
  .object({
    unitCode: z.string(),
    unitName: z.string(),
    officeName: z.string(),
    links: z.array(
      ObserverLinkView.extend({
        observerName: z.string(),
        unitCode: z.string(),
        qrSvg: z.string().openapi({ description: 'The link as a QR code, an SVG document' }),
      }),
    ),
  })
  .openapi('ObserverLinkSheet');
