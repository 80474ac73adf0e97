import fs from 'node:fs';
import { expect } from 'chai';
import { dbLabel } from '../support/context.js';
import {
  EICAR,
  PDF,
  PDF_WITH_EICAR,
  closedPort,
  fakeClamd,
  pdfOfSize,
  requireClamd,
  testScanner,
} from '../support/clamav.js';
import {
  ScannerUnavailableError,
  clamdScanner,
  parseVerdict,
  type MalwareScanner,
} from '../../server/services/malware-scanner.js';

const SETUP_SOCKET = '/tmp/portal-clamav/clamd.sock';

async function scanError(scanner: MalwareScanner, buffer: Buffer): Promise<unknown> {
  try {
    const verdict = await scanner.scan(buffer);
    return new Error(`expected a ScannerUnavailableError, got ${JSON.stringify(verdict)}`);
  } catch (err) {
    return err;
  }
}

describe(`The ClamAV scanner client (${dbLabel})`, () => {
  before(requireClamd);

  it('when a clean PDF is scanned by clamd, then it is reported clean', async () => {
    expect(await testScanner().scan(PDF)).to.deep.equal({ clean: true });
  });

  it('when the EICAR test file is scanned, then clamd names the signature', async () => {
    const verdict = await testScanner().scan(EICAR);
    expect(verdict.clean).to.equal(false);
    expect(verdict)
      .to.have.property('signature')
      .that.matches(/^Eicar-Test-Signature/);
  });

  it('when a PDF carrying the EICAR string is scanned, then it is reported infected', async () => {
    const verdict = await testScanner().scan(PDF_WITH_EICAR);
    expect(verdict).to.deep.equal({ clean: false, signature: 'Eicar-Test-Signature-Embedded.UNOFFICIAL' });
  });

  it('when a file spans many stream chunks, then it is still scanned whole', async () => {
    const scanner = clamdScanner({ host: '127.0.0.1', port: 3310, chunkSize: 1024 });
    expect(await scanner.scan(pdfOfSize(300 * 1024))).to.deep.equal({ clean: true });
    const tail = Buffer.concat([pdfOfSize(5000), EICAR]);
    expect((await scanner.scan(tail)).clean).to.equal(false);
  });

  it('when clamd is reached over its UNIX socket, then scans work the same', async function () {
    if (!fs.existsSync(SETUP_SOCKET)) this.skip();
    const scanner = clamdScanner({ socket: SETUP_SOCKET, timeoutMs: 5_000 });
    expect(await scanner.ping()).to.equal(true);
    expect(await scanner.scan(PDF)).to.deep.equal({ clean: true });
    expect((await scanner.scan(EICAR)).clean).to.equal(false);
  });

  it('when nothing listens on the port, then the scan throws ScannerUnavailableError and ping is false', async () => {
    const scanner = clamdScanner({ host: '127.0.0.1', port: await closedPort(), timeoutMs: 2_000 });
    expect(await scanError(scanner, PDF)).to.be.instanceOf(ScannerUnavailableError);
    expect(await scanner.ping()).to.equal(false);
  });

  it('when the socket path does not exist, then the scan throws ScannerUnavailableError', async () => {
    const scanner = clamdScanner({ socket: '/tmp/portal-clamav/no-such.sock', timeoutMs: 2_000 });
    expect(await scanError(scanner, PDF)).to.be.instanceOf(ScannerUnavailableError);
  });

  it('when clamd answers with an error (e.g. no database), then the scan throws rather than reporting clean', async () => {
    const fake = await fakeClamd('INSTREAM size limit exceeded. ERROR');
    try {
      const scanner = clamdScanner({ host: '127.0.0.1', port: fake.port, timeoutMs: 2_000 });
      expect(await scanError(scanner, PDF)).to.be.instanceOf(ScannerUnavailableError);
    } finally {
      await fake.close();
    }
  });

  it('when clamd accepts the connection but never answers, then the scan times out as unavailable', async () => {
    const fake = await fakeClamd(undefined);
    try {
      const scanner = clamdScanner({ host: '127.0.0.1', port: fake.port, timeoutMs: 300 });
      const started = Date.now();
      const err = await scanError(scanner, PDF);
      expect(err).to.be.instanceOf(ScannerUnavailableError);
      expect((err as Error).message).to.match(/did not answer/);
      expect(Date.now() - started).to.be.lessThan(2_000);
    } finally {
      await fake.close();
    }
  });

  it('when clamd closes the connection with an empty answer, then the scan throws', async () => {
    const fake = await fakeClamd('');
    try {
      const scanner = clamdScanner({ host: '127.0.0.1', port: fake.port, timeoutMs: 2_000 });
      expect(await scanError(scanner, PDF)).to.be.instanceOf(ScannerUnavailableError);
    } finally {
      await fake.close();
    }
  });

  it('when verdicts are parsed, then only the exact OK answer is clean', () => {
    expect(parseVerdict('stream: OK')).to.deep.equal({ clean: true });
    expect(parseVerdict('stream: Win.Test.EICAR_HDB-1 FOUND')).to.deep.equal({
      clean: false,
      signature: 'Win.Test.EICAR_HDB-1',
    });
    for (const answer of ['', 'OK', 'stream: OK but not really', 'No supported database files found ERROR']) {
      expect(() => parseVerdict(answer), answer).to.throw(ScannerUnavailableError);
    }
  });
});
