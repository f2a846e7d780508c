// Evidence files: upload with progress, earlier uploads to reuse, and previews fetched with the token.
import { ApiError, get, session } from './api.js';
import { h } from './dom.js';

// What the picker offers; the server judges every file by its content regardless.
export const ACCEPT = '.pdf,.jpg,.jpeg,.png,.gif,.webp,.heic,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.wps,.et,.odt,.ods,.txt,.csv,.zip,.mp4,.mov,.webm,image/*,video/*,application/pdf';

export function fileSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** POST /files with progress (fetch cannot report upload progress); resolves to the stored file. */
export function uploadFile(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/files');
    if (session.token) xhr.setRequestHeader('authorization', `Bearer ${session.token}`);
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, { detail: 'network' }));
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON
      }
      if (xhr.status === 201) resolve(body);
      else reject(new ApiError(xhr.status, body));
    };
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

export const myFiles = () => get('/me/files?limit=100');

/** An object URL of a file's bytes, fetched with the token (an <img src> cannot carry it). */
export async function fileUrl(id) {
  const res = await fetch(`/api/v1/files/${id}/content`, { headers: session.token ? { authorization: `Bearer ${session.token}` } : {} });
  if (!res.ok) {
    const problem = await res.json().catch(() => null);
    throw new ApiError(res.status, problem);
  }
  return URL.createObjectURL(await res.blob());
}

const REFUSAL = {
  FILE_TOO_LARGE: '文件过大，超过系统上限。',
  FILE_TYPE: '文件类型不允许（系统按内容判断）：请上传 PDF、图片、Office 文档、文本、压缩包或短视频。',
  FILE_MISSING: '没有收到文件，请重新选择。',
  FILE_CORRUPT: '文件校验失败，存储内容与登记的哈希不一致。',
};
export const refusalText = (err) => REFUSAL[err.code] ?? (err.status === 0 ? '网络中断，上传未完成。' : err.detail || `上传失败（HTTP ${err.status}）`);

/** How an evidence file looks to a reviewer: a thumbnail, the PDF itself, or a download link. */
export function filePreview(file) {
  const box = h('div', { class: 'file-preview', dataset: { fileId: file.id } },
    h('p', { class: 'file-name' }, `${file.name}（${fileSize(file.size)}）`),
    h('p', { class: 'muted sha' }, `SHA-256 ${file.sha256.slice(0, 16)}…`));
  const link = h('a', { href: '#', class: 'btn btn-small' }, '下载');
  void fileUrl(file.id).then(
    (url) => {
      link.href = url;
      link.download = file.name;
      if (file.contentType.startsWith('image/')) box.prepend(h('img', { class: 'thumb', src: url, alt: file.name }));
      else if (file.contentType === 'application/pdf') box.prepend(h('iframe', { class: 'pdf', src: url, title: file.name }));
      box.append(link);
    },
    (err) => box.append(h('p', { class: 'error', role: 'alert' }, refusalText(err))),
  );
  return box;
}
