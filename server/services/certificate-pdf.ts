import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { Localized } from '../../workflows/types.js';
import { translator } from '../i18n.js';
import { printedCode } from './certificate-code.js';
import { dateFormatter } from '../http/formatting.js';
import { drawLine, fonts, listLigaturesRightToLeft, wrap, type Doc, type Style } from './certificate-text.js';

import { PAGE, CONTENT_WIDTH, GREEN, GREY, frame, Layout } from './certificate-layout.js';

/** What a certificate says; everything comes from the certificate's row, so the PDF is the same on every download. */
export interface CertificateContent {
  number: string;
  verifyUrl: string;
  reference: string;
  municipality: Localized;
  service: Localized;
  holder: { name: string; identifier: string | null; kind: 'cpr' | 'cr' };
  issuedAt: Date;
  validUntil: Date;
  facts: { label: Localized; value: Localized }[];
}

function particulars(layout: Layout, content: CertificateContent): void {
  const both = (key: string, params: Record<string, string> = {}): Localized => ({
    ar: translator('ar')(key, params),
    en: translator('en')(key, params),
  });
  const dates = (value: Date): Localized => ({
    ar: dateFormatter('ar')(value, { time: false }),
    en: dateFormatter('en')(value, { time: false }),
  });
  const same = (value: string): Localized => ({ ar: value, en: value });
  layout.ensure(80);
  layout.pair(both('certificates.pdf.heading'), { size: 12, bold: true, color: GREEN });
  layout.y += 2;
  layout.pair(
    {
      ar: translator('ar')('certificates.pdf.statement', {
        municipality: content.municipality.ar,
        service: content.service.ar,
        reference: content.reference,
      }),
      en: translator('en')('certificates.pdf.statement', {
        municipality: content.municipality.en,
        service: content.service.en,
        reference: content.reference,
      }),
    },
    { size: 9.5 },
  );
  layout.y += 8;
  const size = 9.5;
  const top = layout.y - 4;
  layout.row(both('certificates.pdf.number'), same(content.number), size);
  layout.row(both('certificates.pdf.holder'), same(content.holder.name), size);
  if (content.holder.identifier) {
    layout.row(both(`certificates.pdf.${content.holder.kind}`), same(content.holder.identifier), size);
  }
  layout.row(both('certificates.pdf.issuedAt'), dates(content.issuedAt), size);
  layout.row(both('certificates.pdf.validUntil'), dates(content.validUntil), size);
  layout.row(both('certificates.pdf.reference'), same(content.reference), size);
  for (const fact of content.facts) layout.row(fact.label, fact.value, size);
  layout.divider(top);
}

function drawQr(doc: Doc, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const quiet = 4; // the standard quiet zone, so scanners find the code
  const cell = size / (count + 2 * quiet);
  doc.rect(x, y, size, size).fill('#ffffff');
  doc.fillColor('#000000');
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.modules.get(row, col)) {
        doc.rect(x + (col + quiet) * cell, y + (row + quiet) * cell, cell, cell);
      }
    }
  }
  doc.fill('#000000');
}

/** The certificate as a PDF: Arabic first, then English, and the QR code to its verification page. */
export async function renderCertificatePdf(content: CertificateContent): Promise<Buffer> {
  const ar = translator('ar');
  const en = translator('en');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    lang: 'ar',
    displayTitle: true,
    info: {
      Title: `${content.service.en} ${content.number}`,
      Subject: `${content.service.ar} / ${content.service.en}`,
      Author: `${content.municipality.ar} / ${content.municipality.en}`,
      Creator: 'Municipal e-services portal',
      Producer: 'Municipal e-services portal',
      CreationDate: content.issuedAt,
      ModDate: content.issuedAt,
    },
  });
  // pdfkit 0.20 takes a parsed fontkit font (its types only list files and buffers).
  for (const [name, font] of fonts()) doc.registerFont(name, font as unknown as Buffer);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.addPage({ size: 'A4', margin: 0 });
  frame(doc);
  const layout = new Layout(doc);
  const half = CONTENT_WIDTH / 2;
  // Letterhead: the kingdom and municipality in Arabic on the right, in English on the left.
  const top = layout.y;
  drawLine(
    doc,
    ar('certificates.pdf.kingdom'),
    { x: PAGE.margin + half, y: top, width: half },
    'rtl',
    'start',
    { size: 11, bold: true },
  );
  drawLine(
    doc,
    content.municipality.ar,
    { x: PAGE.margin + half, y: top + 17, width: half },
    'rtl',
    'start',
    { size: 12, bold: true, color: GREEN },
  );
  drawLine(doc, en('certificates.pdf.kingdom'), { x: PAGE.margin, y: top, width: half }, 'ltr', 'start', {
    size: 10,
    bold: true,
  });
  drawLine(doc, content.municipality.en, { x: PAGE.margin, y: top + 17, width: half }, 'ltr', 'start', {
    size: 11,
    bold: true,
    color: GREEN,
  });
  layout.y = top + 42;
  layout.rule(GREEN);
  layout.y += 6;
  layout.paragraph(content.service.ar, 'rtl', { size: 20, bold: true, color: GREEN }, 'center');
  layout.paragraph(content.service.en, 'ltr', { size: 15, bold: true, color: GREEN }, 'center');
  layout.y += 4;
  layout.paragraph(`${ar('certificates.pdf.number')}: ${content.number}`, 'rtl', { size: 11 }, 'center');
  layout.y += 10;
  layout.rule();

  particulars(layout, content);
  layout.y += 8;

  // Verification, at the foot of the last page: the QR code in the middle; beside it, in each
  // language, how to check, the note on electronic issue, and (under the English) the address.
  const qrSize = 92;
  const footerHeight = 8 + 4 + qrSize;
  layout.ensure(footerHeight);
  layout.y = Math.max(layout.y, PAGE.height - PAGE.margin - footerHeight);
  layout.rule();
  const qrTop = layout.y + 4;
  const qrX = PAGE.margin + (CONTENT_WIDTH - qrSize) / 2;
  drawQr(doc, content.verifyUrl, qrX, qrTop, qrSize);
  const side = (CONTENT_WIDTH - qrSize) / 2 - 12;
  const column = (x: number, dir: 'rtl' | 'ltr', blocks: [string, Style][]) => {
    let y = qrTop + 4;
    for (const [text, style] of blocks) {
      for (const line of wrap(doc, text, side, dir, style)) {
        drawLine(doc, line, { x, y, width: side }, dir, 'start', style);
        y += style.size * 1.4;
      }
      y += 4;
    }
  };
  const note = { size: 7.5, color: GREY };
  column(qrX + qrSize + 12, 'rtl', [
    [ar('certificates.pdf.verifyHint'), { size: 8.5 }],
    [ar('certificates.pdf.electronic'), note],
  ]);
  column(PAGE.margin, 'ltr', [
    [en('certificates.pdf.verifyHint'), { size: 8 }],
    // The address and the code on lines of their own: a long address wrapped mid-code is mistyped.
    [content.verifyUrl.slice(0, content.verifyUrl.lastIndexOf('/')), note],
    // The code under its label, on a line of its own whatever its width.
    [en('certificates.pdf.code'), note],
    [printedCode(content.verifyUrl.slice(content.verifyUrl.lastIndexOf('/') + 1)), note],
    [en('certificates.pdf.electronic'), note],
  ]);

  listLigaturesRightToLeft(doc);
  doc.end();
  return done;
}
