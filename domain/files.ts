/**
 * What an evidence file may be, judged by its content: documents, pictures, Office files, plain
 * text, zip archives and short videos. Anything a browser could run (HTML, SVG, scripts with a
 * detectable signature) or a machine could execute is refused.
 */
const ALLOWED: Record<string, true> = {
  'application/pdf': true,
  'image/jpeg': true,
  'image/png': true,
  'image/gif': true,
  'image/webp': true,
  'image/bmp': true,
  'image/tiff': true,
  'image/heic': true,
  'image/heif': true,
  'image/avif': true,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': true,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': true,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': true,
  'application/vnd.oasis.opendocument.text': true,
  'application/vnd.oasis.opendocument.spreadsheet': true,
  'application/vnd.oasis.opendocument.presentation': true,
  'application/rtf': true,
  'application/zip': true,
  'video/mp4': true,
  'video/quicktime': true,
  'video/webm': true,
  'video/3gpp': true,
  'video/3gpp2': true,
  'audio/mp4': true,
  'audio/mpeg': true,
};

/** Legacy Office files are OLE compound documents, as are installers: the name must say which. */
const LEGACY_OFFICE: Record<string, string> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  wps: 'application/vnd.ms-works',
  et: 'application/vnd.ms-excel',
  dps: 'application/vnd.ms-powerpoint',
};

export interface Sniffed {
  mime: string;
  ext: string;
}

const extensionOf = (name: string) => /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1].toLowerCase() ?? '';

/**
 * Bytes with no signature count as plain text when they hold no control characters besides
 * whitespace; UTF-8 and GB18030 text both pass, binary data does not.
 */
export function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  for (const b of head) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) return false;
    if (b === 0x7f) return false;
  }
  return true;
}

/** The content type to store and serve, or null when the content is not allowed. */
export function judgeContentType(sniffed: Sniffed | undefined, head: Uint8Array, name: string): string | null {
  if (!sniffed) return looksLikeText(head) ? 'text/plain; charset=utf-8' : null;
  if (sniffed.mime === 'application/x-cfb') return LEGACY_OFFICE[extensionOf(name)] ?? null;
  return ALLOWED[sniffed.mime] ? sniffed.mime : null;
}

/** What the pages offer in the file picker; the server judges by content regardless. */
export const ACCEPTED_EXTENSIONS = ['pdf', 'jpg', 'jpeg', 'png', 'gif', 'webp', 'heic', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'wps', 'et', 'odt', 'ods', 'txt', 'csv', 'zip', 'mp4', 'mov', 'webm'];

/** Pictures and PDFs open in the browser; everything else downloads. */
export function dispositionOf(contentType: string): 'inline' | 'attachment' {
  return contentType.startsWith('image/') || contentType === 'application/pdf' ? 'inline' : 'attachment';
}

// C0 and C1 controls, DEL, and the bidirectional overrides that can disguise an extension.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A file name as the unit gave it, made safe to keep and to send back: no folders (either
 * slash), no control or direction characters, no leading dots, at most 200 characters with
 * the extension kept.
 */
export function safeFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  let name = base.replace(UNSAFE, '').replace(/\s+/g, ' ').trim().replace(/^\.+/, '').trim();
  if ([...name].length > 200) {
    const ext = extensionOf(name);
    const chars = [...name];
    name = ext ? `${chars.slice(0, 199 - ext.length).join('')}.${ext}` : chars.slice(0, 200).join('');
  }
  return name || 'file';
}

/** A path segment for an archive entry: the same rules, and never "." or "..". */
export function archiveSegment(text: string): string {
  return safeFileName(text.replace(/[/\\:*?"<>|]/g, '_'));
}

export const SHA256_HEX = /^[a-f0-9]{64}$/;
