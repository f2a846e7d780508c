// A horizontal bar chart of totals (Apache ECharts), coloured by grade; the ranking table carries the same data.
import { GRADE_COLOURS, chart } from './charts.js';
import { GRADE } from './labels.js';

/** rows: [{ name, total, grade }], best first. */
export function totalsChart(rows, { title = '总分', max = 100 } = {}) {
  const shown = [...rows].reverse();
  return chart({
    title: { text: title, left: 0, textStyle: { fontSize: 14, fontWeight: 'normal' } },
    grid: { left: 8, right: 40, top: 36, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item', formatter: (p) => `${p.name}：${p.value.toFixed(2)} 分，${GRADE[shown[p.dataIndex].grade] ?? ''}` },
    xAxis: { type: 'value', min: 0, max },
    yAxis: { type: 'category', data: shown.map((r) => r.name), axisLabel: { width: 150, overflow: 'truncate' } },
    series: [{
      type: 'bar', barMaxWidth: 18,
      label: { show: true, position: 'right', formatter: (p) => p.value.toFixed(1) },
      data: shown.map((r) => ({ value: r.total, itemStyle: { color: GRADE_COLOURS[r.grade] } })),
    }],
  }, { height: 60 + rows.length * 28, summary: `${title}：${rows.map((r) => `${r.name} ${r.total.toFixed(2)} 分 ${GRADE[r.grade] ?? r.grade}`).join('；')}` });
}
