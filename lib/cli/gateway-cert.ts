import 'reflect-metadata'; // @peculiar/x509's dependency injection needs it, before the library loads
import { KeyObject, webcrypto } from 'crypto';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';
import * as x509 from '@peculiar/x509';
import { commanderOutput, Io, PROCESS_IO } from './io';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig } from '../config/load';
import { asList } from '../config/types';
import { KEY_ALGORITHMS, KeyAlgorithm } from '../gateway-certificate';
import { HOSTNAME, echo, isOneOf } from '../patterns';

x509.cryptoProvider.set(webcrypto);

export interface GatewayCertOptions {
  /** DNS names of the certificate; the first is also the common name. */
  readonly hosts: string[];
  /** `RSA` (4096 bits) or `ECDSA` (P-256). */
  readonly keyAlgorithm: KeyAlgorithm;
  /** Validity in days from now. */
  readonly days: number;
  /** Clock, for tests. @default - now */
  readonly now?: Date;
}

export interface GatewayCertPem {
  readonly certificate: string;
  readonly privateKey: string;
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

function algorithm(
  keyAlgorithm: KeyAlgorithm,
): webcrypto.RsaHashedKeyGenParams | (webcrypto.EcKeyGenParams & { hash: string }) {
  return keyAlgorithm === 'RSA'
    ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 4096 }
    : { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
}

/**
 * A 16-byte serial number as hex from random bytes. RFC 5280 wants it positive, so the top bit is cleared;
 * the first byte is also kept non-zero, or DER would drop it and the serial would shrink to a possibly
 * negative 15-byte integer.
 */
export function positiveSerial(random: Uint8Array): string {
  const serial = Buffer.from(random);
  serial[0] = serial[0] & 0x7f || 0x01;
  return serial.toString('hex');
}

/** A self-signed server certificate and its key (PKCS#8), both PEM. The key never leaves this process but as PEM. */
export async function createGatewayCertificate(options: GatewayCertOptions): Promise<GatewayCertPem> {
  const alg = algorithm(options.keyAlgorithm);
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date((options.now ?? new Date()).getTime() - 5 * 60_000); // tolerate clock skew
  const notAfter = new Date(notBefore.getTime() + options.days * 86_400_000);
  const serial = positiveSerial(webcrypto.getRandomValues(new Uint8Array(16)));
  const usages =
    options.keyAlgorithm === 'RSA'
      ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
      : x509.KeyUsageFlags.digitalSignature;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial,
    name: [{ CN: [options.hosts[0]] }],
    notBefore,
    notAfter,
    signingAlgorithm: alg,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usages, true),
      new x509.ExtendedKeyUsageExtension([SERVER_AUTH]),
      new x509.SubjectAlternativeNameExtension(options.hosts.map((value) => ({ type: 'dns' as const, value }))),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const privateKey = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string;
  return { certificate: cert.toString('pem').replace(/\r\n/g, '\n').replace(/\n?$/, '\n'), privateKey };
}

/** Writes `content` readable by the owner only; refuses to replace an existing file unless `force`. */
function writePrivate(path: string, content: string, force: boolean): void {
  writeFileSync(path, content, { mode: 0o600, flag: force ? 'w' : 'wx' });
  chmodSync(path, 0o600); // an existing file keeps its old mode on overwrite
}

/** Paths are shown as the user gave them (relative to where npm runs, or absolute), quoted for the shell. */
const shellQuote = (s: string) => (/^[A-Za-z0-9_./=:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** `npm run gateway-cert -- [--host H ...] [--out DIR] [--config FILE]`: exit 0 done, 1 on error. */
export async function main(argv: readonly string[], io: Io = PROCESS_IO): Promise<number> {
  const program = new Command()
    .name('gateway-cert')
    .description(
      "Create the Istio gateway's self-signed certificate and key locally (gateway.tls.mode: existingSecret) and print the kubectl command that stores them",
    )
    .option(
      '--host <name>',
      "DNS name of the certificate, repeatable (default: the config's host)",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('-o, --out <dir>', 'output folder, git-ignored', '.secrets')
    .option('-c, --config <file>', 'config file merged over config/default.yaml, for the secret name and namespace')
    .option(
      '--key-algorithm <alg>',
      "RSA (4096 bits) or ECDSA (P-256) (default: the config's gateway.tls.keyAlgorithm)",
    )
    .option(
      '--days <n>',
      'validity in days',
      (v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 3650)
          throw new InvalidArgumentError('must be a whole number of days from 1 to 3650');
        return n;
      },
      365,
    )
    .option('--force', 'replace existing files')
    .configureOutput(commanderOutput(io))
    .exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    return (e as { exitCode?: number }).exitCode === 0 ? 0 : 1;
  }
  const opts = program.opts<{
    host?: string[];
    out: string;
    config?: string;
    keyAlgorithm?: string;
    days: number;
    force?: boolean;
  }>();
  try {
    const config = loadConfig(opts.config);
    const hosts = opts.host ?? asList(config.host);
    for (const host of hosts) {
      if (!HOSTNAME.pattern.test(host))
        throw new ConfigError(`'--host' must be ${HOSTNAME.expected}, got ${echo(host)}`);
    }
    const keyAlgorithm = opts.keyAlgorithm ?? config.gateway.tls.keyAlgorithm;
    if (!isOneOf(keyAlgorithm, KEY_ALGORITHMS)) {
      throw new ConfigError(`'--key-algorithm' must be one of ${KEY_ALGORITHMS.join(', ')}, got ${echo(keyAlgorithm)}`);
    }
    if (config.gateway.tls.mode !== 'existingSecret') {
      io.err(
        `note: gateway.tls.mode is ${config.gateway.tls.mode}, so the synth does not expect you to create this secret`,
      );
    }
    if (existsSync(opts.out) && !statSync(opts.out).isDirectory()) {
      throw new ConfigError(`'--out' must be a folder (existing or to create), got ${echo(opts.out)}, which is a file`);
    }
    const base = join(opts.out, hosts[0].replace(/^\*/, 'wildcard'));
    const certFile = `${base}.crt`;
    const keyFile = `${base}.key`;
    if (!opts.force) {
      for (const f of [certFile, keyFile])
        if (existsSync(f)) throw new ConfigError(`${shellQuote(f)} exists; pass --force to replace it`);
    }
    const pem = await createGatewayCertificate({ hosts, keyAlgorithm, days: opts.days });
    try {
      mkdirSync(opts.out, { recursive: true, mode: 0o700 });
      writePrivate(keyFile, pem.privateKey, opts.force ?? false);
      writePrivate(certFile, pem.certificate, opts.force ?? false);
    } catch (e) {
      // A parent that is a file, no permission, a full disk: one line naming the path, not a stack trace.
      const err = e as NodeJS.ErrnoException;
      if (typeof err.code !== 'string') throw e;
      throw new ConfigError(
        `cannot write to '--out' ${echo(opts.out)}: ${err.code} ${err.syscall ?? ''} ${err.path ?? ''}`.trimEnd(),
      );
    }
    const { credentialName, namespace } = config.gateway;
    io.out(
      `wrote ${shellQuote(certFile)} and ${shellQuote(keyFile)} (${keyAlgorithm === 'RSA' ? 'RSA 4096' : 'ECDSA P-256'}, SHA-256, ${opts.days} days, SAN ${hosts.join(', ')})`,
    );
    io.out('store them in the cluster (the key stays out of git and dist/):');
    io.out(
      `kubectl create secret tls ${credentialName} -n ${namespace} --cert=${shellQuote(certFile)} --key=${shellQuote(keyFile)}`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.err(`error: ${e.message}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      console.error(`error: ${(e as Error).stack ?? e}`);
      process.exitCode = 1;
    },
  );
}
