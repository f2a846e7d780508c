// A unit's completion report for one open task: summary plus evidence rows, sent with an Idempotency-Key.
import { newKey, post } from './api.js';
import { field, h, uid } from './dom.js';
import { EVIDENCE, EVIDENCE_KINDS } from './labels.js';
import { ACCEPT, fileSize, myFiles, refusalText, uploadFile } from './files.js';
import { errorBox } from './ui.js';

function fieldName(path) {
  if (path === 'summary') return '完成情况说明';
  const m = /^evidence\.(\d+)\.(\w+)$/.exec(path);
  if (m) return `佐证材料第 ${Number(m[1]) + 1} 项的${{ kind: '类别', title: '名称', uri: '链接', sha256: '校验值', fileId: '文件' }[m[2]] ?? m[2]}`;
  return path === 'evidence' ? '佐证材料' : path;
}

function evidenceRow(required, kind, onRemove) {
  const id = uid('ev');
  const kinds = [...required, ...EVIDENCE_KINDS.filter((k) => !required.includes(k))];
  const select = h('select', { name: 'kind', id: `${id}-kind` },
    kinds.map((k) => h('option', { value: k, selected: k === kind }, required.includes(k) ? `${EVIDENCE[k]}（必需）` : EVIDENCE[k])));
  const title = h('input', { type: 'text', name: 'title', id: `${id}-title`, maxlength: '500', placeholder: '如：制度文件汇编' });
  const uri = h('input', { type: 'url', name: 'uri', id: `${id}-uri`, maxlength: '2000', placeholder: 'https://' });
  const attach = attachment((name) => {
    if (!title.value.trim()) title.value = name.replace(/\.[^.]+$/, '');
  });
  const row = h('div', { class: 'evidence-row' },
    field('类别', select),
    field('材料名称', title, { required: true }),
    field('链接（可选）', uri),
    attach.node,
    h('button', { type: 'button', class: 'btn btn-ghost btn-small remove', 'aria-label': '删除此项佐证材料', onclick: () => onRemove(row) }, '删除'));
  row.read = () => ({ kind: select.value, title: title.value.trim(), ...(uri.value.trim() ? { uri: uri.value.trim() } : {}), ...(attach.fileId() ? { fileId: attach.fileId() } : {}) });
  row.busy = attach.busy;
  return row;
}

/**
 * One evidence item's file: dropped, picked, taken with the phone's camera, or one uploaded
 * earlier. Shows name, size, progress and the server's verdict.
 */
function attachment(onNamed) {
  let fileId = null;
  let uploading = false;
  const status = h('div', { class: 'file-status', 'aria-live': 'polite' });
  const bar = h('progress', { max: '1', value: '0', hidden: true });
  const show = (text, cls) => status.replaceChildren(h('span', { class: cls }, text));
  async function send(file) {
    if (!file) return;
    fileId = null;
    uploading = true;
    bar.hidden = false;
    bar.value = 0;
    show(`${file.name}（${fileSize(file.size)}）上传中…`, 'uploading');
    try {
      const stored = await uploadFile(file, (p) => (bar.value = p));
      fileId = stored.id;
      onNamed(stored.name);
      show(`${stored.name}（${fileSize(stored.size)}）已上传`, 'ok');
    } catch (err) {
      show(`${file.name}：${refusalText(err)}`, 'error');
    } finally {
      uploading = false;
      bar.hidden = true;
    }
  }
  const picker = h('input', { type: 'file', accept: ACCEPT, class: 'file-input', 'aria-label': '选择文件', onchange: (e) => send(e.target.files[0]) });
  const camera = h('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'camera-input', 'aria-label': '拍照上传', onchange: (e) => send(e.target.files[0]) });
  const earlier = h('select', { class: 'earlier', 'aria-label': '选用已上传的文件', onchange: () => {
    fileId = earlier.value || null;
    const chosen = earlier.selectedOptions[0];
    if (fileId) {
      onNamed(chosen.dataset.name);
      show(`${chosen.textContent}（沿用已上传文件）`, 'ok');
    } else status.replaceChildren();
  } }, h('option', { value: '' }, '选用已上传的文件…'));
  earlier.addEventListener('focus', async () => {
    if (earlier.options.length > 1) return;
    for (const f of await myFiles().catch(() => [])) earlier.append(h('option', { value: f.id, dataset: { name: f.name } }, `${f.name}（${fileSize(f.size)}，${f.createdAt.slice(0, 10)}）`));
  }, { once: true });
  const drop = h('div', { class: 'drop-zone', ondragover: (e) => {
    e.preventDefault();
    drop.classList.add('over');
  }, ondragleave: () => drop.classList.remove('over'), ondrop: (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    void send(e.dataTransfer.files[0]);
  } },
  h('span', { class: 'hint' }, '拖入文件，或'),
  h('label', { class: 'btn btn-small' }, '选择文件', picker),
  h('label', { class: 'btn btn-small camera' }, '拍照', camera),
  earlier);
  return { node: h('div', { class: 'attachment' }, drop, bar, status), fileId: () => fileId, busy: () => uploading };
}

/** `onSubmitted(result)` runs once the server recorded the submission. */
export function submissionForm(task, onSubmitted) {
  // One key per form: a retry after a lost answer returns the first result instead of a second submission.
  const key = newKey();
  const required = task.evidenceRequired;
  const summary = h('textarea', { name: 'summary', rows: '4', maxlength: '20000' });
  const rows = h('div', { class: 'evidence-rows' });
  const remove = (row) => {
    row.remove();
    add.focus();
  };
  const add = h('button', { type: 'button', class: 'btn btn-small', onclick: () => {
    const row = evidenceRow(required, EVIDENCE_KINDS.find((k) => !required.includes(k)) ?? 'documents', remove);
    rows.append(row);
    row.querySelector('select').focus();
  } }, '＋ 添加佐证材料');
  for (const kind of required) rows.append(evidenceRow(required, kind, remove));
  const message = h('div', { class: 'form-message' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, '提交');

  return h('form', { class: 'submission-form', 'aria-label': `上报「${task.title}」完成情况`, onsubmit: async (e) => {
    e.preventDefault();
    if ([...rows.children].some((r) => r.busy())) {
      message.replaceChildren(h('p', { class: 'error', role: 'alert' }, '文件仍在上传，请稍候再提交。'));
      return;
    }
    submit.disabled = true;
    message.replaceChildren();
    const body = { summary: summary.value.trim(), evidence: [...rows.children].map((r) => r.read()) };
    try {
      const result = await post(`/tasks/${task.id}/submissions`, body, { 'Idempotency-Key': key });
      onSubmitted(result);
    } catch (err) {
      message.replaceChildren(errorBox(err, fieldName));
      submit.disabled = false;
      message.querySelector('[role=alert]')?.setAttribute('tabindex', '-1');
      message.querySelector('[role=alert]')?.focus();
    }
  } },
  field('完成情况说明', summary, { required: true, hint: '简要说明任务完成情况、主要做法和成效。' }),
  h('fieldset', { class: 'evidence' },
    h('legend', {}, '佐证材料'),
    h('p', { class: 'hint' }, required.length ? `本任务必须提供：${required.map((k) => EVIDENCE[k]).join('、')}。可另行补充其他材料。` : '本任务无必需材料，可按需补充。'),
    rows,
    add),
  message,
  h('div', { class: 'actions' }, submit));
}
