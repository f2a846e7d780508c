// A year's working-day calendar. The root office publishes the State Council's schedule here;
// every office reads where the year's data comes from and whether it is provisional.
import { get, put } from './api.js';
import { dateTime, field, h, replace } from './dom.js';
import { badge, errorBox, pageTitle, section, successBox } from './ui.js';

const SOURCE = { bundled: '系统内置', published: '已发布' };

const dates = (text) => text.split(/[\s,，、;；]+/).map((s) => s.trim()).filter(Boolean);

function fieldName(path) {
  const [list, i] = path.split('.');
  const name = { holidays: '放假日期', workdays: '调休上班日期' }[list] ?? path;
  return i === undefined ? name : `${name}第 ${Number(i) + 1} 项`;
}

function yearCard(year) {
  return section(`${year.year} 年`,
    h('p', { class: 'meta' },
      h('span', {}, `来源：${SOURCE[year.source] ?? year.source}`),
      year.provisional ? badge('warn', '临时日历') : badge('ok', '已确定'),
      year.publishedAt ? h('span', {}, `发布 ${dateTime(year.publishedAt)}（${year.publishedBy}）`) : null),
    year.provisional
      ? h('p', { class: 'note-provisional' }, h('strong', {}, '临时日历'), '：该年度法定节假日和调休安排尚未公布，暂按周一至周五为工作日推算。')
      : null,
    h('dl', { class: 'calendar-lists' },
      h('dt', {}, `放假（${year.holidays.length} 天）`), h('dd', { class: 'holidays' }, year.holidays.join('、') || '—'),
      h('dt', {}, `调休上班（${year.workdays.length} 天）`), h('dd', { class: 'workdays' }, year.workdays.join('、') || '—')));
}

function publishForm(year, onPublished) {
  const holidays = h('textarea', { name: 'holidays', rows: 4 }, year.source === 'published' ? year.holidays.join('\n') : '');
  const workdays = h('textarea', { name: 'workdays', rows: 2 }, year.source === 'published' ? year.workdays.join('\n') : '');
  const message = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, `发布 ${year.year} 年安排`);
  return section('发布国务院节假日安排',
    h('p', { class: 'lead' }, '按国务院办公厅通知填写全年放假日期（含放假期间的周末）和调休上班的周六、周日。发布后立即生效，按临时日历推算的未完成任务将重新推算截止和督办节点。'),
    h('form', { class: 'calendar-form', onsubmit: async (e) => {
      e.preventDefault();
      submit.disabled = true;
      try {
        const published = await put(`/calendar/${year.year}`, { holidays: dates(holidays.value), workdays: dates(workdays.value) });
        replace(message, successBox(`${year.year} 年节假日安排已发布，未完成任务正在按新日历重新推算。`));
        onPublished(published);
      } catch (err) {
        replace(message, errorBox(err, fieldName));
      } finally {
        submit.disabled = false;
      }
    } },
    field('放假日期', holidays, { hint: '每行一个日期，如 2027-01-01' }),
    field('调休上班日期', workdays, { hint: '只能是周六或周日' }),
    message,
    h('div', { class: 'actions' }, submit)));
}

export async function calendarPage({ me, params: [yearText] }) {
  const year = Number(yearText);
  const [calendar, offices] = await Promise.all([get(`/calendar/${year}`), get('/offices')]);
  const isRoot = offices.some((o) => o.code === me.code && o.parentCode === null);
  const card = h('div', {}, yearCard(calendar));
  return h('div', {},
    pageTitle('工作日历',
      h('a', { class: 'btn btn-ghost', href: `#/office/calendar/${year - 1}` }, `${year - 1} 年`),
      h('a', { class: 'btn btn-ghost', href: `#/office/calendar/${year + 1}` }, `${year + 1} 年`)),
    card,
    isRoot ? publishForm(calendar, (published) => replace(card, yearCard(published))) : h('p', { class: 'muted' }, '节假日安排由省级产改办发布。'));
}
