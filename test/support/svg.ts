/** Reading the report charts' inline SVG in tests: rectangles, texts and the drawing's width. */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
}

/** The rectangles of a drawing, in document order. */
export function rects(svg: string): Rect[] {
  return [
    ...svg.matchAll(/<rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.]+)" height="([\d.]+)" fill="([^"]+)"/g),
  ].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    width: Number(m[3]),
    height: Number(m[4]),
    fill: m[5]!,
  }));
}

/** The texts of a drawing with where they stand, in document order. */
export function texts(svg: string): { x: number; anchor: string; content: string }[] {
  return [
    ...svg.matchAll(/<text x="([\d.-]+)" y="[\d.-]+"( text-anchor="(\w+)")?[^>]*>([^<]*)<\/text>/g),
  ].map((m) => ({
    x: Number(m[1]),
    anchor: m[3] ?? 'start',
    content: m[4]!,
  }));
}

export const viewBoxWidth = (svg: string) => Number(/viewBox="0 0 ([\d.]+) /.exec(svg)![1]);
