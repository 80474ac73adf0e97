/**
 * What an uploaded file is and what it is called: its type from its first bytes, its media type and
 * stored extension, the shape of a stored name, and the name it is offered back under.
 */
import type { DocumentRequirement } from '../../workflows/schema/service.js';

export type DocumentType = DocumentRequirement['types'][number];

export const MEDIA_TYPES: Record<DocumentType, string> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

export const EXTENSIONS: Record<DocumentType, string> = { pdf: 'pdf', jpeg: 'jpg', png: 'png' };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);
const PDF_SIGNATURE = Buffer.from('%PDF-', 'latin1');

/** The stored-name shape; anything else read back from a row is refused before touching disk. */
export const STORED_NAME = /^[0-9a-f]{32}\.(?:pdf|jpg|png)$/;

/**
 * The file's type from its first bytes (magic numbers), never from its name or declared type.
 * Undefined for anything that is not one of the portal's document types.
 */
export function detectDocumentType(buffer: Buffer): DocumentType | undefined {
  const startsWith = (signature: Buffer) =>
    buffer.length >= signature.length && buffer.subarray(0, signature.length).equals(signature);
  if (startsWith(PDF_SIGNATURE)) return 'pdf';
  if (startsWith(PNG_SIGNATURE)) return 'png';
  if (startsWith(JPEG_SIGNATURE)) return 'jpeg';
  return undefined;
}

export function mediaTypeOf(type: DocumentType): string {
  return MEDIA_TYPES[type];
}

/**
 * The applicant's file name made safe to store and show: the base name only, no control or
 * bidirectional-override characters (which can disguise an extension), NFC, at most 255
 * characters with the extension kept. It is never used to build a path.
 */
export function sanitiseFileName(name: string, fallbackExtension = 'bin'): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  let clean = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (clean === '' || /^\.+$/.test(clean)) clean = `document.${fallbackExtension}`;
  const chars = Array.from(clean);
  if (chars.length <= 255) return clean;
  const dot = clean.lastIndexOf('.');
  const extension = dot > 0 ? Array.from(clean.slice(dot)) : [];
  const keepExtension = extension.length > 0 && extension.length <= 16 ? extension : [];
  return chars.slice(0, 255 - keepExtension.length).join('') + keepExtension.join('');
}
