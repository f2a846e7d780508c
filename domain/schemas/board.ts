import { LIGHTS } from '../board';
import { ESCALATION_LEVELS } from '../vocabulary';
import { BoardRuleInput } from './rounds';
import { Code, Page, z } from './common';

export const Light = z.enum(LIGHTS).openapi({ description: 'red: a task overdue; yellow: behind schedule; blue: a task due soon; green: on track' });

export const BoardQuery = Page.extend({
  officeCode: Code.optional().openapi({ description: 'Only the units in this office\'s subtree (an office in yours)' }),
  light: Light.optional(),
  unitCode: Code.optional().openapi({ description: 'Only this unit\'s row' }),
});

const LightTotals = z.object({ red: z.number().int(), yellow: z.number().int(), blue: z.number().int(), green: z.number().int() }).openapi('LightTotals');

const BoardHead = {
  roundId: z.string(),
  officeCode: z.string(),
  asOf: z.string().openapi({ description: 'The instant the lights were judged at' }),
  countsAsOf: z.string().openapi({
    description: 'When the counts behind the lights were read: during this read, or for a scope of many units (DUBAN_BOARD_SNAPSHOT_UNITS) usually within DUBAN_BOARD_SNAPSHOT_SECONDS before it, and never more than DUBAN_BOARD_SNAPSHOT_STALE_SECONDS',
  }),
  rule: BoardRuleInput,
  totals: LightTotals,
  count: z.number().int().openapi({ description: 'Rows matching the filters, before paging' }),
  limit: z.number().int(),
  offset: z.number().int(),
};

export const BoardUnit = z
  .object({
    unitCode: z.string(),
    unitName: z.string(),
    officeCode: z.string(),
    tasks: z.number().int(),
    accepted: z.number().int(),
    submitted: z.number().int(),
    returned: z.number().int(),
    overdue: z.number().int(),
    waived: z.number().int(),
    dueSoon: z.number().int(),
    escalationLevel: z.enum(ESCALATION_LEVELS).nullable(),
    light: Light,
  })
  .openapi('BoardUnit');

export const BoardView = z.object({ ...BoardHead, units: z.array(BoardUnit) }).openapi('Board');

export const BoardOffice = z
  .object({
    officeCode: z.string(),
    officeName: z.string(),
    level: z.string(),
    parentCode: z.string().nullable(),
    units: z.number().int(),
    tasks: z.number().int(),
    accepted: z.number().int(),
    submitted: z.number().int(),
    returned: z.number().int(),
    overdue: z.number().int(),
    escalationLevel: z.enum(ESCALATION_LEVELS).nullable(),
    lights: LightTotals,
    light: Light,
  })
  .openapi('BoardOffice');

export const OfficeBoardView = z.object({ ...BoardHead, offices: z.array(BoardOffice) }).openapi('OfficeBoard');

export const RoundProgressView = z
  .object({
    roundId: z.string(),
    tasks: z.number().int().openapi({ description: 'Tasks of the round in your subtree' }),
    days: z.array(z.object({
      date: z.string().openapi({ description: 'A day (Asia/Shanghai) from launch to today or the round\'s end' }),
      submitted: z.number().int().openapi({ description: 'Tasks submitted at least once by the end of the day' }),
      accepted: z.number().int().openapi({ description: 'Tasks accepted by the end of the day' }),
    })),
  })
  .openapi('RoundProgress');
