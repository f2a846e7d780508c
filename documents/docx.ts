import { AlignmentType, BorderStyle, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType, type FileChild } from 'docx';

// Official documents (GB/T 9704): titles in 小标宋 二号, body in 仿宋 三号; Word substitutes what a machine lacks.
const TITLE_FONT = '方正小标宋简体';
const BODY_FONT = '仿宋_GB2312';
const HEADING_FONT = '黑体';
const SIZE_TITLE = 44; // half-points: 二号 22pt
const SIZE_BODY = 32; // 三号 16pt
const SIZE_TABLE = 21; // 五号 10.5pt

export const title = (text: string) =>
  new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [new TextRun({ text, font: TITLE_FONT, size: SIZE_TITLE })] });

export const centered = (text: string) => new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [new TextRun({ text, font: BODY_FONT, size: SIZE_BODY })] });

export const line = (text: string) => new Paragraph({ children: [new TextRun({ text, font: BODY_FONT, size: SIZE_BODY })] });

/** A body paragraph with the customary two-character indent. */
export const para = (text: string) => new Paragraph({ indent: { firstLine: SIZE_BODY * 20 }, spacing: { line: 560 }, children: [new TextRun({ text, font: BODY_FONT, size: SIZE_BODY })] });

export const heading = (text: string) => new Paragraph({ indent: { firstLine: SIZE_BODY * 20 }, spacing: { before: 200, after: 120 }, children: [new TextRun({ text, font: HEADING_FONT, size: SIZE_BODY })] });

export const right = (text: string) => new Paragraph({ alignment: AlignmentType.RIGHT, children: [new TextRun({ text, font: BODY_FONT, size: SIZE_BODY })] });

const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const cell = (text: string, bold = false) =>
  new TableCell({
    borders: { top: border, bottom: border, left: border, right: border },
    children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text, bold, font: BODY_FONT, size: SIZE_TABLE })] })],
  });

/** A full-width table with a bold header row. */
export function table(headers: string[], rows: Array<Array<string | number>>): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ tableHeader: true, children: headers.map((h) => cell(h, true)) }), ...rows.map((r) => new TableRow({ children: r.map((v) => cell(String(v))) }))],
  });
}

export function render(children: FileChild[], meta: { title: string; creator: string }): Promise<Buffer> {
  const doc = new Document({
    creator: meta.creator,
    title: meta.title,
    styles: { default: { document: { run: { font: BODY_FONT, size: SIZE_BODY } } } },
    sections: [{ properties: { page: { margin: { top: 2098, bottom: 1984, left: 1588, right: 1474 } } }, children }],
  });
  return Packer.toBuffer(doc);
}

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
