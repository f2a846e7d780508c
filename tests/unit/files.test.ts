import { archiveSegment, dispositionOf, judgeContentType, looksLikeText, safeFileName } from '../../domain/files';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('evidence file rules', () => {
  test('when a name carries folders, control or direction characters, then only a safe base name is kept', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\张三\\工作总结.pdf')).toBe('工作总结.pdf');
    expect(safeFileName('报告\u0000\u0007\n.pdf')).toBe('报告.pdf');
    expect(safeFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(safeFileName('..hidden')).toBe('hidden');
    expect(safeFileName('')).toBe('file');
    expect(safeFileName(undefined)).toBe('file');
    expect(safeFileName('/')).toBe('file');
  });

  test('when a name is very long, then it is cut to 200 characters keeping its extension', () => {
    const name = safeFileName(`${'长'.repeat(300)}.docx`);
    expect([...name].length).toBe(200);
    expect(name.endsWith('.docx')).toBe(true);
  });

  test('when content has no signature, then it is text only without control bytes', () => {
    expect(looksLikeText(bytes('工作总结\r\n第一条\t完成'))).toBe(true);
    expect(looksLikeText(Uint8Array.from([0xb9, 0xa4, 0xd7, 0xf7, 0x0a]))).toBe(true);
    expect(looksLikeText(Uint8Array.from([0x41, 0x00, 0x42]))).toBe(false);
    expect(looksLikeText(new Uint8Array())).toBe(false);
  });

  test('when content is judged, then documents, pictures and videos pass and programs do not', () => {
    expect(judgeContentType({ mime: 'application/pdf', ext: 'pdf' }, new Uint8Array(), 'a.pdf')).toBe('application/pdf');
    expect(judgeContentType({ mime: 'image/jpeg', ext: 'jpg' }, new Uint8Array(), 'a.pdf')).toBe('image/jpeg');
    expect(judgeContentType({ mime: 'application/x-elf', ext: 'elf' }, new Uint8Array(), 'a.pdf')).toBeNull();
    expect(judgeContentType({ mime: 'application/x-msdownload', ext: 'exe' }, new Uint8Array(), 'a.docx')).toBeNull();
    expect(judgeContentType({ mime: 'application/xml', ext: 'xml' }, new Uint8Array(), 'a.svg')).toBeNull();
    expect(judgeContentType({ mime: 'application/x-cfb', ext: 'cfb' }, new Uint8Array(), '旧.doc')).toBe('application/msword');
    expect(judgeContentType({ mime: 'application/x-cfb', ext: 'cfb' }, new Uint8Array(), 'setup.msi')).toBeNull();
    expect(judgeContentType(undefined, bytes('hello'), 'a.txt')).toBe('text/plain; charset=utf-8');
  });

  test('when a file is served, then pictures and PDFs open inline and the rest download', () => {
    expect(dispositionOf('image/png')).toBe('inline');
    expect(dispositionOf('application/pdf')).toBe('inline');
    expect(dispositionOf('text/plain; charset=utf-8')).toBe('attachment');
    expect(dispositionOf('application/zip')).toBe('attachment');
  });

  test('when a unit or task name becomes an archive folder, then it cannot climb out or hold reserved characters', () => {
    expect(archiveSegment('..')).toBe('file');
    expect(archiveSegment('a/b\\c')).toBe('a_b_c');
    expect(archiveSegment('任务: "一企一策"?')).toBe('任务_ _一企一策__');
  });
});
