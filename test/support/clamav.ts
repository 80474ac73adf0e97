import net from 'node:net';
import { clamdScanner, type MalwareScanner } from '../../server/services/malware-scanner.js';

/**
 * Files and scanners for upload tests. The real clamd is the one `.ci/clamav-setup.sh` starts on
 * 127.0.0.1:3310 (CLAMAV_HOST / CLAMAV_PORT / CLAMAV_SOCKET override it), with a database that
 * knows the EICAR file (eicar.hdb) and the EICAR string inside any file (eicar-embedded.ndb).
 */

/** The standard 68-byte EICAR anti-virus test file. */
export const EICAR = Buffer.from(
  'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*',
  'latin1',
);

/** A one-page PDF with correct cross-reference offsets; `comment` goes into a PDF comment line. */
export function pdfBuffer(comment = 'test document'): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let body = `%PDF-1.4\n%${comment}\n`;
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** A tiny valid PDF. */
export const PDF = pdfBuffer();

/** A valid PDF that carries the EICAR string: passes the type check, then the scan must stop it. */
export const PDF_WITH_EICAR = pdfBuffer(EICAR.toString('latin1'));

/** A valid 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** A valid 1×1 baseline JPEG. */
export const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/' +
    'yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k=',
  'base64',
);

/** A Windows executable's headers ("MZ" … "PE\0\0"), to be sent under a .pdf name. */
export function fakeExecutable(): Buffer {
  const exe = Buffer.alloc(512);
  exe.write('MZ', 0, 'latin1');
  exe.writeUInt32LE(0x80, 0x3c); // e_lfanew: where the PE header starts
  exe.write('This program cannot be run in DOS mode.', 0x4e, 'latin1');
  exe.write('PE\0\0', 0x80, 'latin1');
  exe.writeUInt16LE(0x14c, 0x84); // machine: i386
  return exe;
}

/** A buffer of `bytes` bytes that is a PDF by its first bytes. */
export function pdfOfSize(bytes: number): Buffer {
  const buffer = Buffer.alloc(bytes, 0x20);
  PDF.copy(buffer, 0, 0, Math.min(PDF.length, bytes));
  return buffer;
}

/** The real clamd the tests use. */
export function testScanner(timeoutMs = 10_000): MalwareScanner {
  const socket = process.env.CLAMAV_SOCKET;
  return clamdScanner({
    socket,
    host: socket ? undefined : (process.env.CLAMAV_HOST ?? '127.0.0.1'),
    port: Number(process.env.CLAMAV_PORT ?? 3310),
    timeoutMs,
  });
}

/** Fails with a clear message when clamd is not running, instead of a confusing 503 later. */
export async function requireClamd(): Promise<void> {
  if (!(await testScanner().ping())) {
    throw new Error('clamd does not answer PING on 127.0.0.1:3310: run .ci/clamav-setup.sh first');
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on (taken, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A scanner pointed at a closed port: every scan must throw ScannerUnavailableError. */
export async function unreachableScanner(): Promise<MalwareScanner> {
  return clamdScanner({ host: '127.0.0.1', port: await closedPort(), timeoutMs: 2_000 });
}

/**
 * A fake clamd that reads a request and replies with `reply` (or stays silent when it is
 * undefined), for error and timeout paths a real clamd will not produce on demand.
 */
export async function fakeClamd(
  reply: string | undefined,
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => {
      if (reply !== undefined) socket.end(`${reply}\0`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
