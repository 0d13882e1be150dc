import 'reflect-metadata';
import { X509Certificate, createPrivateKey } from 'crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as x509 from '@peculiar/x509';
import { createGatewayCertificate, main, positiveSerial } from '../../lib/cli/gateway-cert';
import { runCommand, runMain } from '../support/commands';
import { ROOT } from './support';

/** Runs `npm run gateway-cert -- ...args` through the command's main, in-process, from the project root. */
const gatewayCert = (...args: string[]) => runMain(main, args);
const DAY = 86_400_000;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gateway-cert-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run gateway-cert', () => {
  // The default key, RSA 4096, is proven where a real one is made anyway: the README's block (test/readme.test.ts).
  test('writes a SHA-256 self-signed certificate and key, owner-only, and prints the kubectl command', async () => {
    // GIVEN a config with its own secret name and gateway namespace
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'gateway:\n  namespace: istio-ingress\n  credentialName: yelb-gateway-cert\n');
    const out = join(dir, 'secrets');

    // WHEN the command runs
    const started = Date.now();
    const { code, stdout, stderr } = await gatewayCert(
      '--host',
      'yelb.example.com',
      '--out',
      out,
      '--config',
      config,
      '--key-algorithm',
      'ECDSA',
    );

    // THEN it succeeds and prints the exact command for that secret and namespace
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const certFile = join(out, 'yelb.example.com.crt');
    const keyFile = join(out, 'yelb.example.com.key');
    const lines = stdout.trim().split('\n');
    expect(lines[lines.length - 1]).toBe(
      `kubectl create secret tls yelb-gateway-cert -n istio-ingress --cert=${certFile} --key=${keyFile}`,
    );

    // AND the files are readable by their owner only
    for (const f of [certFile, keyFile, out]) expect(statSync(f).mode & 0o077).toBe(0);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(certFile).mode & 0o777).toBe(0o600);

    // AND OpenSSL (through node:crypto) reads back a server certificate for the host, valid for a year from now
    const cert = new X509Certificate(readFileSync(certFile));
    expect(cert.subject).toBe('CN=yelb.example.com');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.subjectAltName).toBe('DNS:yelb.example.com');
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(cert.publicKey.asymmetricKeyType).toBe('ec');
    const from = Date.parse(cert.validFrom);
    const to = Date.parse(cert.validTo);
    expect(from).toBeLessThanOrEqual(Date.now());
    expect(from).toBeGreaterThan(started - 10 * 60_000);
    expect(Math.round((to - from) / DAY)).toBe(365);
    expect(cert.verify(cert.publicKey)).toBe(true);
    // AND the key is its private key
    const key = readFileSync(keyFile, 'utf8');
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(cert.checkPrivateKey(createPrivateKey(key))).toBe(true);
    // AND it is signed with SHA-256
    expect(new x509.X509Certificate(readFileSync(certFile, 'utf8')).signatureAlgorithm).toMatchObject({
      name: 'ECDSA',
      hash: { name: 'SHA-256' },
    });
  });

  test("defaults to the config's hosts, secret and namespace", async () => {
    const { code, stdout } = await gatewayCert(
      '--out',
      dir,
      '--config',
      join(ROOT, 'config', 'environments', 'dev.yaml'),
      '--key-algorithm',
      'ECDSA',
    );
    expect(code).toBe(0);
    expect(stdout).toContain(
      `kubectl create secret tls tls-secret -n istio-system --cert=${join(dir, 'yelb.dev.example.com.crt')} --key=${join(dir, 'yelb.dev.example.com.key')}`,
    );
    expect(new X509Certificate(readFileSync(join(dir, 'yelb.dev.example.com.crt'))).subjectAltName).toBe(
      'DNS:yelb.dev.example.com',
    );
  });

  test('does not replace existing files without --force', async () => {
    await gatewayCert('--host', 'a.example.com', '--out', dir, '--key-algorithm', 'ECDSA');
    const before = readFileSync(join(dir, 'a.example.com.key'), 'utf8');
    const again = await gatewayCert('--host', 'a.example.com', '--out', dir, '--key-algorithm', 'ECDSA');
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toMatch(/^error: .*a.example.com.crt exists; pass --force to replace it$/);
    expect(readFileSync(join(dir, 'a.example.com.key'), 'utf8')).toBe(before);
    const forced = await gatewayCert('--host', 'a.example.com', '--out', dir, '--key-algorithm', 'ECDSA', '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'a.example.com.key'), 'utf8')).not.toBe(before);
  });

  test.each([
    [
      ['--host', 'https://yelb.example.com'],
      /^error: '--host' must be a lowercase DNS name .*got "https:\/\/yelb.example.com"$/,
    ],
    [['--key-algorithm', 'DSA'], /^error: '--key-algorithm' must be one of RSA, ECDSA, got "DSA"$/],
    [
      ['--days', '0'],
      /error: option '--days <n>' argument '0' is invalid. must be a whole number of days from 1 to 3650/,
    ],
    [['--config', 'missing.yaml'], /^error: cannot read config file missing.yaml: ENOENT$/],
  ])('rejects %j with a one-line error and writes nothing', async (args, message) => {
    const { code, stderr } = await gatewayCert('--out', dir, ...args);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')[0]).toMatch(message);
    expect(() => statSync(join(dir, 'yelb.example.com.key'))).toThrow();
  });

  // A refusal as a process (exit 1, one line): test/commands/input-rejections.spec.ts.
  test('as a real process: exit 0 with the kubectl line on stdout', () => {
    const ok = runCommand('gateway-cert', ['--host', 'b.example.com', '--out', dir, '--key-algorithm', 'ECDSA']);
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
    expect(ok.stdout).toMatch(
      /\nkubectl create secret tls tls-secret -n istio-system --cert=\S+\/b\.example\.com\.crt --key=\S+\/b\.example\.com\.key\n$/,
    );
  });
});

describe('createGatewayCertificate', () => {
  test('ECDSA P-256 with several names and a chosen validity', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const pem = await createGatewayCertificate({
      hosts: ['yelb.example.com', '*.apps.example.com'],
      keyAlgorithm: 'ECDSA',
      days: 90,
      now,
    });
    const cert = new X509Certificate(pem.certificate);
    expect(cert.subjectAltName).toBe('DNS:yelb.example.com, DNS:*.apps.example.com');
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()).toBe(90 * DAY);
    expect(Date.parse(cert.validFrom)).toBeLessThanOrEqual(now.getTime());
    expect(cert.checkPrivateKey(createPrivateKey(pem.privateKey))).toBe(true);
    const parsed = new x509.X509Certificate(pem.certificate);
    expect(parsed.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    expect(parsed.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    // a positive 16-byte serial number (RFC 5280)
    expect(cert.serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/);
  });

  test.each([
    [0x00, '01'],
    [0x80, '01'],
    [0xff, '7f'],
    [0x42, '42'],
  ])('the serial number from first random byte %i starts with %s and keeps 16 bytes', (first, expected) => {
    const random = new Uint8Array(16).fill(0xff);
    random[0] = first;
    const serial = positiveSerial(random);
    expect(serial.slice(0, 2)).toBe(expected);
    expect(serial).toHaveLength(32);
  });
});
