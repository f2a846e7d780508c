// One questionnaire question as form controls, by kind; `read()` returns the answer or undefined when blank.
import { h, uid } from './dom.js';
import { LIKERT } from './labels.js';

const DIMENSION = { hear: '能听', see: '能看', check: '能查', measure: '能测', satisfaction: '满意度' };

function choices(q, type, options, legendId) {
  const name = uid(`q-${q.id}`);
  const inputs = options.map(([value, text]) => {
    const input = h('input', { type, name, value: String(value), required: type === 'radio' && q.required ? true : null });
    return { input, node: h('label', { class: 'choice' }, input, h('span', {}, text)) };
  });
  return { inputs, node: h('div', { class: `choices choices-${q.kind}`, role: type === 'radio' ? 'radiogroup' : 'group', 'aria-labelledby': legendId }, inputs.map((i) => i.node)) };
}

export function questionField(q, index) {
  const legendId = uid('legend');
  const legend = h('legend', { id: legendId },
    h('span', { class: 'q-no' }, `${index + 1}. `), q.text,
    q.required ? h('span', { class: 'req' }, h('span', { 'aria-hidden': 'true' }, ' *'), h('span', { class: 'sr-only' }, '（必答）')) : null,
    q.dimension ? h('span', { class: 'q-dim' }, DIMENSION[q.dimension] ?? q.dimension) : null);
  let control;
  let read;
  if (q.kind === 'likert5' || q.kind === 'single' || q.kind === 'multi') {
    const options = q.kind === 'likert5' ? LIKERT.map((t, i) => [i + 1, `${i + 1} ${t}`]) : q.options.map((o) => [o, o]);
    const { inputs, node } = choices(q, q.kind === 'multi' ? 'checkbox' : 'radio', options, legendId);
    control = node;
    read = () => {
      const picked = inputs.filter((i) => i.input.checked).map((i) => i.input.value);
      if (q.kind === 'multi') return picked.length ? picked : undefined;
      if (!picked.length) return undefined;
      return q.kind === 'likert5' ? Number(picked[0]) : picked[0];
    };
  } else {
    const input = q.kind === 'number'
      ? h('input', { type: 'number', step: 'any', inputmode: 'decimal', 'aria-labelledby': legendId, required: q.required ? true : null })
      : h('textarea', { rows: '3', maxlength: '5000', 'aria-labelledby': legendId, required: q.required ? true : null });
    control = input;
    read = () => (input.value.trim() === '' ? undefined : q.kind === 'number' ? Number(input.value) : input.value.trim());
  }
  const node = h('fieldset', { class: 'question', dataset: { question: q.id } }, legend, control);
  return { node, read };
}
