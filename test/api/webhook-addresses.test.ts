import { expect } from 'chai';
import { isInternalHost } from '../../server/services/webhook-addresses.js';

describe('Webhook addresses inside the portal network', () => {
  it('when a webhook host is loopback, private, link-local or unspecified, then it counts as internal', async () => {
    for (const host of [
      'localhost',
      '127.0.0.1',
      '10.2.3.4',
      '172.20.0.5',
      '192.168.1.10',
      '169.254.169.254',
      '0.0.0.0',
      '[::1]',
      '[fe80::1]',
      '[fd00::1]',
      '[::ffff:127.0.0.1]',
    ]) {
      expect(await isInternalHost(host), host).to.equal(true);
    }
  });

  it('when a webhook host is a public address, then it is not internal', async () => {
    for (const host of ['93.184.216.34', '8.8.8.8', '[2001:4860:4860::8888]', '172.32.0.1', '100.128.0.1']) {
      expect(await isInternalHost(host), host).to.equal(false);
    }
  });
});
