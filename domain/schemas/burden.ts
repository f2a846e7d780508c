import { text, z } from './common';

export const Burden = z
  .object({
    tasks: z.number().int(),
    questionnaires: z.number().int(),
    notices: z.number().int(),
    evidence: z
      .object({ uploaded: z.number().int(), reused: z.number().int() })
      .openapi({ description: 'Evidence items naming a file: `uploaded` are a file\'s first use (counted in `total`), `reused` name a file an earlier submission already named (reported once, not counted in `total`)' }),
  })
  .openapi('Burden', { description: '减轻基层负担: tasks issued to the unit, questionnaire windows its observers were asked to answer, notices about it or addressed to its observers, and the evidence files it uploaded or reused' });

export const BurdenQuery = z.object({ period: text(40).openapi({ example: '2026Q4' }) });

export const BurdenView = z
  .object({
    period: z.string(),
    units: z.array(
      Burden.extend({ unitCode: z.string(), unitName: z.string(), officeCode: z.string(), rounds: z.number().int(), total: z.number().int() }),
    ),
  })
  .openapi('BurdenReport');
