import type { Calendars } from '../activities/calendar';
import { escalationWhere, visibleRound, visibleUnit } from '../access/visibility';
import { notFound } from '../api/problem';
import { type Light } from '../domain/board';
import { chineseDate } from '../domain/chineseDate';
import { shanghaiDate } from '../domain/time';
import type { EscalationLevel, Grade } from '../domain/vocabulary';
import { centered, heading, line, para, render, right, table, title } from '../documents/docx';
import { describeUnits, loadBoard, rollUpOffices } from './board';
import type { Actor, ReadContext, UseCaseContext } from './context';
import { evaluationFor } from './evaluation';

const LIGHT_LABEL: Record<Light, string> = { red: '红灯', yellow: '黄灯', blue: '蓝灯', green: '绿灯' };
const LEVEL_LABEL: Record<EscalationLevel, string> = { reminder: '提醒', overdue: '催办', supervision: '督办', escalated: '上报', public_notice: '通报' };
const STATUS_LABEL: Record<string, string> = { issued: '已下发', submitted: '已提交', returned: '退回整改', accepted: '已通过', overdue: '已逾期', waived: '已免除' };
const GRADE_LABEL: Record<Grade, string> = { excellent: '优秀', good: '良好', pass: '合格', fail: '不合格' };
const percent = (part: number, whole: number) => (whole === 0 ? '—' : `${((100 * part) / whole).toFixed(1)}%`);
const year = (now: number) => shanghaiDate(now).slice(0, 4);

/**
 * 督查通报: the round as far as the caller's subtree reaches. Every table comes from the board
 * (the same visibility and lights), the escalations from the steps addressed to the caller's
 * subtree, the grades from the evaluation cut to the caller's units.
 */
export async function bulletin(ctx: ReadContext, calendars: Calendars, actor: Actor, roundId: string, now = Date.now()) {
  const { db } = ctx;
  const board = await loadBoard(db, calendars, actor, roundId, undefined, now);
  const { round } = board;
  const [units, offices, scope, escalations] = await Promise.all([
    describeUnits(db, board, board.units),
    rollUpOffices(db, board.scope.path, board.groups),
    db.office.findUniqueOrThrow({ where: { code: board.scope.code }, include: { children: { orderBy: { code: 'asc' }, select: { name: true } } } }),
    db.escalation.findMany({
      where: { AND: [escalationWhere(actor), { roundId: round.id, unitId: { in: board.units.map((u) => u.unitId) }, level: { not: 'reminder' } }] },
      include: { task: { select: { title: true, dueDate: true, unit: { select: { name: true } } } } },
      orderBy: [{ firedAt: 'asc' }, { id: 'asc' }],
      take: 2000,
    }),
  ]);
  const sum = (k: 'tasks' | 'accepted' | 'submitted' | 'returned' | 'overdue' | 'waived') => units.reduce((s, u) => s + u[k], 0);
  const t = board.totals;
  const red = units.filter((u) => u.light === 'red');
  const officeName = new Map(offices.map((o) => [o.officeCode, o.officeName]));
  const today = shanghaiDate(now);

  const children = [
    title(`关于${round.title}情况的通报`),
    centered(`${scope.name}〔${year(now)}〕    号`),
    line(`${scope.children.length > 0 ? scope.children.map((c) => c.name).join('、') : '各试点单位'}：`),
    para(
      `为推动产业工人队伍建设改革各项任务落地见效，${round.office.name}于${chineseDate(shanghaiDate(round.launchedAt))}启动“${round.title}”（${round.period}），` +
        `本通报范围内共涉及试点单位${units.length}家、任务${sum('tasks')}项。截至${chineseDate(today)}，已通过审核${sum('accepted')}项，完成率${percent(sum('accepted') + sum('waived'), sum('tasks'))}；` +
        `待审核${sum('submitted')}项，退回整改${sum('returned')}项，逾期未完成${sum('overdue')}项，免除${sum('waived')}项。` +
        `按督查看板，红灯单位${t.red}家、黄灯${t.yellow}家、蓝灯${t.blue}家、绿灯${t.green}家。现将有关情况通报如下：`,
    ),
    heading('一、各产改办完成情况'),
    table(
      ['产改办', '单位数', '任务数', '已通过', '待审核', '退回', '逾期', '完成率', '红灯', '黄灯', '蓝灯', '绿灯'],
      offices.map((o) => [o.officeName, o.units, o.tasks, o.accepted, o.submitted, o.returned, o.overdue, percent(o.accepted, o.tasks), o.lights.red, o.lights.yellow, o.lights.blue, o.lights.green]),
    ),
    heading('二、各试点单位督查情况'),
    table(
      ['单位', '所属产改办', '灯色', '任务数', '已通过', '待审核', '退回', '逾期', '临期', '督办层级'],
      units.map((u) => [u.unitName, officeName.get(u.officeCode) ?? u.officeCode, LIGHT_LABEL[u.light], u.tasks, u.accepted, u.submitted, u.returned, u.overdue, u.dueSoon, u.escalationLevel ? LEVEL_LABEL[u.escalationLevel] : '—']),
    ),
    heading('三、红灯单位名单'),
    ...(red.length === 0
      ? [para('本轮督查范围内暂无红灯单位。')]
      : [para(`以下${red.length}家单位有任务逾期未完成，列为红灯单位，请所属产改办督促限期整改：`), table(['序号', '单位', '逾期任务数', '督办层级'], red.map((u, i) => [i + 1, u.unitName, u.overdue, u.escalationLevel ? LEVEL_LABEL[u.escalationLevel] : '—']))]),
    heading('四、督办升级情况'),
    ...(escalations.length === 0
      ? [para('本轮督查范围内暂无催办、督办、上报或通报事项。')]
      : [table(['单位', '任务', '到期日', '层级', '发出日期'], escalations.map((e) => [e.task.unit.name, e.task.title, e.task.dueDate, LEVEL_LABEL[e.level], shanghaiDate(e.firedAt)]))]),
    ...(await gradesSection(ctx, actor, round.id, round.status)),
    para('请各地各单位对照通报情况，对逾期和退回事项逐项整改，按时报送整改情况。'),
    right(scope.name),
    right(chineseDate(today)),
  ];
  return { filename: `督查通报-${round.period}.docx`, body: await render(children, { title: `关于${round.title}情况的通报`, creator: scope.name }) };
}

async function gradesSection(ctx: ReadContext, actor: Actor, roundId: string, status: string) {
  if (status !== 'closed') return [];
  const result = await evaluationFor(ctx, actor, roundId);
  const count = (g: Grade) => result.units.filter((u) => u.grade === g).length;
  return [
    heading('五、考核结果'),
    para(`本轮考核优秀${count('excellent')}家、良好${count('good')}家、合格${count('pass')}家、不合格${count('fail')}家。`),
    table(['排名', '单位', '总分', '等次'], result.units.map((u) => [u.rank, u.unitName, u.total.toFixed(2), GRADE_LABEL[u.grade]])),
  ];
}

/** 督办单 for one unit of the round in the caller's subtree: its overdue and returned tasks. */
export async function notice(ctx: UseCaseContext, actor: Actor, roundId: string, unitCode: string, now = Date.now()) {
  const { db } = ctx;
  const round = await visibleRound(db, actor, roundId);
  const unit = await visibleUnit(db, actor, unitCode);
  const member = await db.roundUnit.findUnique({ where: { roundId_unitId: { roundId: round.id, unitId: unit.id } } });
  if (!member) throw notFound('unit in this round');
  const tasks = await db.task.findMany({ where: { roundId: round.id, unitId: unit.id, status: { in: ['overdue', 'returned'] } }, orderBy: [{ dueAt: 'asc' }, { code: 'asc' }] });
  const issuer = actor.office!;
  const issuerRow = await db.office.findUniqueOrThrow({ where: { id: issuer.id } });
  const today = shanghaiDate(now);
  const children = [
    title('督  办  单'),
    centered(`${issuerRow.name}督〔${year(now)}〕    号`),
    line(`${unit.name}：`),
    para(
      tasks.length === 0
        ? `在“${round.title}”中，你单位目前没有逾期或退回整改的任务。`
        : `在“${round.title}”中，你单位有以下${tasks.length}项任务逾期未完成或退回整改，现予督办。请于收到本督办单后抓紧办理，按要求提交完成情况和佐证材料（“六有”），逾期未办结的将按程序上报并通报。`,
    ),
    ...(tasks.length === 0
      ? []
      : [table(['序号', '任务', '类别', '状态', '到期日', '督办层级'], tasks.map((t, i) => [i + 1, t.title, t.category, STATUS_LABEL[t.status], t.dueDate, t.escalationLevel ? LEVEL_LABEL[t.escalationLevel] : '—']))]),
    para(`督办单位：${issuerRow.name}`),
    right(issuerRow.name),
    right(chineseDate(today)),
  ];
  return { filename: `督办单-${unit.code}.docx`, body: await render(children, { title: `督办单：${unit.name}`, creator: issuerRow.name }) };
}
