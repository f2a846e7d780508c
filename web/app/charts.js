// Apache ECharts, served by the API itself from /vendor (nothing is fetched from outside), loaded on first use.
// Every chart is drawn beside a table that carries the same numbers.
import { h } from './dom.js';

let loading = null;

function echarts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/vendor/echarts.min.js';
    script.onload = () => resolve(window.echarts);
    script.onerror = () => reject(new Error('图表组件加载失败'));
    document.head.append(script);
  });
  return loading;
}

const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';

/**
 * A chart container; the chart is drawn once the element is in the page. `summary` is what a
 * screen reader hears (the table beside it has the detail).
 */
export function chart(option, { height = 260, summary, onClick } = {}) {
  const el = h('div', { class: 'echart', role: 'img', 'aria-label': summary ?? '', style: `height:${height}px` });
  const draw = async () => {
    const lib = await echarts();
    const instance = lib.init(el, null, { renderer: 'svg' });
    instance.setOption({ textStyle: { fontFamily: FONT }, animation: false, ...option });
    if (onClick) instance.on('click', onClick);
    new ResizeObserver(() => instance.resize()).observe(el);
    el.dataset.ready = 'true';
  };
  // Drawn when attached: ECharts needs the element's size.
  requestAnimationFrame(function wait() {
    if (el.isConnected) void draw().catch(() => el.replaceChildren(h('p', { class: 'hint' }, '图表未能加载，数据见下表。')));
    else requestAnimationFrame(wait);
  });
  return el;
}

export const LIGHT_COLOURS = { red: '#c62828', yellow: '#f2a900', blue: '#1e6fd9', green: '#2e7d32' };
export const GRADE_COLOURS = { excellent: '#2e7d32', good: '#1e6fd9', pass: '#f2a900', fail: '#c62828' };
