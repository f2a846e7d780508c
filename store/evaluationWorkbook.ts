import ExcelJS from 'exceljs';
import { GRADE_LABELS } from '../domain/schemas/evaluation';
import { ESCALATION_LABELS, OFFICE_SHEET, TASK_SHEET, TASK_STATUS_LABELS, UNIT_SHEET } from '../domain/schemas/workbook';
import { shanghaiDate } from '../domain/time';
import { levelRank, type EscalationLevel, type Grade } from '../domain/vocabulary';
import type { Db } from '../src/db';
import type { EvaluationResult, OfficeResult } from './evaluation';

export interface WorkbookTask {
  unitCode: string;
  unitName: string;
  code: string;
  title: string;
  category: string;
  weight: number;
  status: keyof typeof TASK_STATUS_LABELS;
  dueDate: string;
  submittedAt: Date | null;
  reviewScore: number | null;
  highestEscalation: EscalationLevel | null;
}

/** The current task rows of the given units of a round, with the highest rung each reached. */
export async function loadWorkbookTasks(db: Db, roundId: string, unitIds: string[]): Promise<WorkbookTask[]> {
  if (unitIds.length === 0) return [];
  const [tasks, escalations] = await Promise.all([
    db.task.findMany({
      where: { roundId, unitId: { in: unitIds } },
      select: { id: true, code: true, title: true, category: true, weight: true, status: true, dueDate: true, submittedAt: true, reviewScore: true, unit: { select: { code: true, name: true } } },
    }),
    db.escalation.findMany({ where: { roundId, unitId: { in: unitIds } }, distinct: ['taskId', 'level'], select: { taskId: true, level: true } }),
  ]);
  const highest = new Map<string, EscalationLevel>();
  for (const e of escalations) if (levelRank(e.level) > levelRank(highest.get(e.taskId))) highest.set(e.taskId, e.level);
  return tasks
    .map((t) => ({
      unitCode: t.unit.code,
      unitName: t.unit.name,
      code: t.code,
      title: t.title,
      category: t.category,
      weight: t.weight,
      status: t.status,
      dueDate: t.dueDate,
      submittedAt: t.submittedAt,
      reviewScore: t.reviewScore,
      highestEscalation: highest.get(t.id) ?? null,
    }))
    .sort((a, b) => a.unitCode.localeCompare(b.unitCode) || a.code.localeCompare(b.code));
}

const GRADE_FILLS: Record<Grade, string> = {
  excellent: 'FFC6EFCE', // green
  good: 'FFBDD7EE', // blue
  pass: 'FFFFEB9C', // amber
  fail: 'FFFFC7CE', // red
};

/** Shanghai wall-clock time, e.g. 2026-11-23 14:05. */
const shanghaiTime = (d: Date) => `${shanghaiDate(d)} ${new Date(d.getTime() + 8 * 3600_000).toISOString().slice(11, 16)}`;

function sheet(workbook: ExcelJS.Workbook, name: string, headers: readonly string[], widths: number[]): ExcelJS.Worksheet {
  const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = headers.map((header, i) => ({ header, width: widths[i] ?? 12 }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).alignment = { vertical: 'middle', horizontal: 'center' };
  return ws;
}

/** Numbers with two decimals; a component that does not apply stays an empty cell. */
function twoDecimals(ws: ExcelJS.Worksheet, columns: number[]) {
  for (const c of columns) ws.getColumn(c).numFmt = '0.00';
}

export interface WorkbookInput {
  units: EvaluationResult['units'];
  /** Office names by id, for the 所属产改办 column. */
  officeNames: Map<string, string>;
  offices: OfficeResult[];
  tasks: WorkbookTask[];
}

/** Three sheets: 单位 (scores, grades, ranks), 产改办 (roll-ups) and 任务 (each task of each unit). */
export async function evaluationWorkbook(input: WorkbookInput): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'duban';

  const units = sheet(workbook, UNIT_SHEET.name, UNIT_SHEET.headers, [32, 18, 24, 10, 10, 10, 10, 10, 10, 10, 8]);
  const byRank = [...input.units].sort((a, b) => a.rank - b.rank || a.unitCode.localeCompare(b.unitCode));
  for (const u of byRank) {
    const row = units.addRow([
      u.unitName, u.unitCode, input.officeNames.get(u.officeId) ?? u.officeCode,
      u.scores.completion, u.scores.timeliness, u.scores.quality, u.scores.satisfaction, u.scores.penalty, u.total,
      GRADE_LABELS[u.grade], u.rank,
    ]);
    row.getCell(10).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: GRADE_FILLS[u.grade] } };
  }
  twoDecimals(units, [4, 5, 6, 7, 8, 9]);

  const offices = sheet(workbook, OFFICE_SHEET.name, OFFICE_SHEET.headers, [28, 10, 10, 8, 8, 8, 8, 10]);
  for (const o of input.offices) offices.addRow([o.officeName, o.units, o.mean, o.grades.excellent, o.grades.good, o.grades.pass, o.grades.fail, o.rank]);
  twoDecimals(offices, [3]);

  const tasks = sheet(workbook, TASK_SHEET.name, TASK_SHEET.headers, [32, 18, 36, 14, 8, 10, 12, 18, 8, 14]);
  for (const t of input.tasks) {
    tasks.addRow([
      t.unitName, t.code, t.title, t.category, t.weight, TASK_STATUS_LABELS[t.status], t.dueDate,
      t.submittedAt ? shanghaiTime(t.submittedAt) : null, t.reviewScore, t.highestEscalation ? ESCALATION_LABELS[t.highestEscalation] : null,
    ]);
  }

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
