/** The little of fontkit (pdfkit's font engine, which ships no types) that the certificate PDF uses. */
declare module 'fontkit' {
  export interface Font {
    layout(text: string, features?: unknown): unknown;
  }
  export function create(buffer: Uint8Array): Font;
}
