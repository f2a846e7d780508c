// A horizontal bar chart of totals as inline SVG, coloured by grade; the ranking table carries the same data.
import { svg } from './dom.js';
import { GRADE } from './labels.js';

const ROW = 30;
const LEFT = 250;
const RIGHT = 56;
const WIDTH = 860;
const TOP = 28;
/** Label room in em: a CJK character takes one, Latin letters and digits about half. */
const LABEL_EM = 17;

function shorten(s) {
  let em = 0;
  for (let i = 0; i < s.length; i++) {
    em += /[\u2e80-\uffff]/.test(s[i]) ? 1 : 0.55;
    if (em > LABEL_EM) return `${s.slice(0, i - 1)}…`;
  }
  return s;
}

/** rows: [{ name, total, grade }], best first. */
export function totalsChart(rows, { title = '总分', max = 100 } = {}) {
  const plot = WIDTH - LEFT - RIGHT;
  const height = TOP + rows.length * ROW + 34;
  const x = (v) => LEFT + (Math.max(0, Math.min(v, max)) / max) * plot;
  const ticks = [0, 20, 40, 60, 80, 100].filter((t) => t <= max);
  const desc = rows.map((r) => `${r.name} ${r.total.toFixed(2)} 分 ${GRADE[r.grade] ?? r.grade}`).join('；');
  return svg('svg', { class: 'chart', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc', preserveAspectRatio: 'xMinYMin meet' },
    svg('title', { id: 'chart-title' }, title),
    svg('desc', { id: 'chart-desc' }, desc),
    ticks.map((t) => svg('g', { class: 'tick' },
      svg('line', { x1: x(t), x2: x(t), y1: TOP - 6, y2: TOP + rows.length * ROW }),
      svg('text', { x: x(t), y: TOP - 10, 'text-anchor': 'middle' }, String(t)))),
    rows.map((r, i) => {
      const y = TOP + i * ROW;
      return svg('g', { class: `bar grade-${r.grade}` },
        svg('title', {}, `${r.name}：${r.total.toFixed(2)} 分，${GRADE[r.grade] ?? r.grade}`),
        svg('text', { class: 'bar-label', x: LEFT - 10, y: y + ROW / 2 + 5, 'text-anchor': 'end' }, shorten(r.name)),
        svg('rect', { x: LEFT, y: y + 5, width: Math.max(x(r.total) - LEFT, 1.5), height: ROW - 10, rx: 3 }),
        svg('text', { class: 'bar-value', x: x(r.total) + 6, y: y + ROW / 2 + 5 }, r.total.toFixed(1)));
    }),
    svg('g', { class: 'chart-legend', transform: `translate(${LEFT}, ${TOP + rows.length * ROW + 22})` },
      Object.entries(GRADE).map(([k, t], i) => svg('g', { class: `grade-${k}`, transform: `translate(${i * 90}, 0)` },
        svg('rect', { x: 0, y: -10, width: 12, height: 12, rx: 2 }),
        svg('text', { x: 18, y: 0 }, t)))));
}
