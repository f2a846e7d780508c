// Builds DOM nodes without innerHTML, so no server text is ever parsed as markup.
const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** h('button', { class: 'primary', onclick }, '提交') */
export const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
export const svg = (tag, attrs, ...children) => build(document.createElementNS(SVG_NS, tag), attrs, children);

let ids = 0;
/** A fresh id for label/for and aria-describedby pairs. */
export const uid = (prefix = 'f') => `${prefix}-${++ids}`;

/**
 * Wraps an area's loader so that only its latest call may draw: a slower answer to an earlier
 * request (the whole list, still loading when a filter changed) is dropped instead of
 * overwriting the newer. The loader gets `current()`, which says whether it is still the latest.
 */
export function latest(load) {
  let calls = 0;
  return (...args) => {
    const call = ++calls;
    return load(() => call === calls, ...args);
  };
}

export function replace(target, ...children) {
  target.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return target;
}

/** A labelled form control; `control` receives the id. */
export function field(label, control, { hint, required } = {}) {
  const id = control.id || (control.id = uid());
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  if (required) control.required = true;
  return h('div', { class: 'field' },
    h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null);
}

export const loading = (text = '正在加载…') => h('p', { class: 'loading', role: 'status' }, text);

/** "2026-05-20 14:30" in Beijing time. */
export function dateTime(iso) {
  if (!iso) return '—';
  const d = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)}`;
}

export const num = (x, digits = 2) => (x === null || x === undefined ? '—' : Number(x).toFixed(digits));
