/**
 * Files that are credentials by what they are: real key stores made by the tools that
 * make them (openssl, keytool, gpg, node:crypto), recognised by content whatever their
 * name, and look-alikes (trust stores, certificates, a file with the extension) left alone.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { recogniseKeyStore, type KeyStoreKind } from '../src/sources/key-stores.js';
import { commitAll, gitIn, repoWith, tempDir, writeTree } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';
import { run } from './helpers/run.js';

function tool(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
}

/** A self-signed certificate and its key (PEM files in a temp dir), made by openssl. */
function certificate(): string {
  const dir = tempDir('keyhound-ks-');
  tool('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-subj', '/CN=keyhound test', '-days', '1'], dir);
  return dir;
}

function pkcs12(withKey: boolean): Buffer {
  const dir = certificate();
  tool('openssl', ['pkcs12', '-export', ...(withKey ? ['-inkey', 'key.pem'] : ['-nokeys']), '-in', 'cert.pem', '-out', 'store.p12', '-passout', 'pass:changeit'], dir);
  return readFileSync(join(dir, 'store.p12'));
}

function derCertificate(): Buffer {
  const dir = certificate();
  tool('openssl', ['x509', '-in', 'cert.pem', '-outform', 'DER', '-out', 'cert.der'], dir);
  return readFileSync(join(dir, 'cert.der'));
}

const hasKeytool = spawnSync('keytool', ['-help']).status === 0;

/** A key store made by keytool: a key pair, an AES secret key, or a trusted certificate only. */
function keytool(storetype: 'JKS' | 'JCEKS' | 'PKCS12', entry: 'key-pair' | 'secret-key' | 'trusted-cert'): Buffer {
  const dir = certificate();
  const store = ['-keystore', 'store', '-storetype', storetype, '-storepass', 'changeit', '-keypass', 'changeit'];
  if (entry === 'key-pair') tool('keytool', ['-genkeypair', '-alias', 'app', '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=keyhound test', ...store], dir);
  if (entry === 'secret-key') tool('keytool', ['-genseckey', '-alias', 'aes', '-keyalg', 'AES', '-keysize', '128', ...store], dir);
  if (entry === 'trusted-cert') tool('keytool', ['-importcert', '-noprompt', '-alias', 'ca', '-file', 'cert.pem', ...store], dir);
  return readFileSync(join(dir, 'store'));
}

/** JKS by hand (the format keytool writes): magic, version 2, entries; `tag` 1 a private key, 2 a trusted certificate. */
function jksBytes(magic: number, tag: 1 | 2 | 3): Buffer {
  const utf = (text: string) => Buffer.concat([Buffer.from([0, text.length]), Buffer.from(text)]);
  const u32 = (value: number) => Buffer.from([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
  const certificate = Buffer.concat([utf('X.509'), u32(16), randomBytes(16)]);
  const entry = tag === 2 ? certificate : Buffer.concat([u32(32), randomBytes(32), u32(1), certificate]);
  return Buffer.concat([u32(magic), u32(2), u32(1), u32(tag), utf('app'), Buffer.alloc(8), entry, randomBytes(20)]);
}

function keepass(second: number): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt32LE(0x9aa2d903, 0);
  header.writeUInt32LE(second, 4);
  header.writeUInt32LE(0x00040001, 8);
  return Buffer.concat([header, randomBytes(200)]);
}

function derKey(type: 'rsa' | 'ec' | 'ed25519', encoding: 'pkcs8' | 'pkcs1' | 'sec1', encrypted = false): Buffer {
  const { privateKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 1024 }) : generateKeyPairSync('ed25519');
  return privateKey.export({ type: encoding, format: 'der', ...(encrypted ? { cipher: 'aes-256-cbc', passphrase: 'changeit' } : {}) } as never) as Buffer;
}

/** `gpg --export-secret-keys` of a key made now in a throwaway home. */
function gnupgSecretKey(): Buffer {
  const home = tempDir('keyhound-gpg-');
  tool('gpg', ['--batch', '--homedir', home, '--passphrase', '', '--quick-gen-key', 'Keyhound Test <test@keyhound.invalid>', 'ed25519', 'default', 'never'], home);
  const exported = spawnSync('gpg', ['--batch', '--homedir', home, '--pinentry-mode', 'loopback', '--passphrase', '', '--export-secret-keys'], { cwd: home });
  return exported.stdout as Buffer;
}

describe('recogniseKeyStore', () => {
  it.each<[string, () => Buffer, KeyStoreKind | undefined]>([
    ['PKCS#12 with a key (openssl)', () => pkcs12(true), 'pkcs12'],
    ['PKCS#12 with certificates only (a trust store)', () => pkcs12(false), undefined],
    ['JKS with a private key (by hand)', () => jksBytes(0xfeedfeed, 1), 'jks'],
    ['JKS with a trusted certificate only (by hand)', () => jksBytes(0xfeedfeed, 2), undefined],
    ['JCEKS with a secret key (by hand)', () => jksBytes(0xcececece, 3), 'jceks'],
    ['KeePass 2 (.kdbx)', () => keepass(0xb54bfb67), 'keepass'],
    ['KeePass 1 (.kdb)', () => keepass(0xb54bfb65), 'keepass'],
    ['KeePass-like magic, wrong second word', () => keepass(0x12345678), undefined],
    ['RSA key, PKCS#8 DER', () => derKey('rsa', 'pkcs8'), 'der-private-key'],
    ['RSA key, PKCS#1 DER', () => derKey('rsa', 'pkcs1'), 'der-private-key'],
    ['EC key, SEC1 DER', () => derKey('ec', 'sec1'), 'der-private-key'],
    ['Ed25519 key, PKCS#8 DER', () => derKey('ed25519', 'pkcs8'), 'der-private-key'],
    ['encrypted PKCS#8 DER', () => derKey('rsa', 'pkcs8', true), 'der-private-key'],
    ['a certificate in DER', derCertificate, undefined],
    ['GnuPG secret key export (gpg)', gnupgSecretKey, 'gnupg-secret-key'],
    ['GnuPG key file, binary S-expression', () => Buffer.concat([Buffer.from('(21:protected-private-key(3:rsa(1:n257:'), randomBytes(64)]), 'gnupg-secret-key'],
    ['random bytes', () => randomBytes(4096), undefined],
    ['random bytes after a SEQUENCE tag', () => Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00]), randomBytes(256)]), undefined],
  ])('%s', (_, make, kind) => {
    expect(recogniseKeyStore(make())).toBe(kind);
  });

  it.skipIf(!hasKeytool).each<['JKS' | 'JCEKS' | 'PKCS12', 'key-pair' | 'secret-key' | 'trusted-cert', KeyStoreKind | undefined]>([
    ['JKS', 'key-pair', 'jks'],
    ['JKS', 'trusted-cert', undefined],
    ['JCEKS', 'secret-key', 'jceks'],
    ['PKCS12', 'key-pair', 'pkcs12'],
  ])('keytool -storetype %s with a %s', (storetype, entry, kind) => {
    expect(recogniseKeyStore(keytool(storetype, entry))).toBe(kind);
  });
});

interface Report {
  findings: Array<{ file: string; line: number; column: number; ruleId: string; severity: string; secret: string; lineText: string; fingerprint: string }>;
  stats: { skipped: Record<string, number> };
}

/** An example of a rule, from its rule file: the text formats of key files are found by text rules. */
function ruleExample(file: string, id: string): string {
  const spec = parse(readFileSync(join(import.meta.dirname, '..', 'rules', file), 'utf8')) as { rules: Array<{ id: string; examples: string[] }> };
  return spec.rules.find((rule) => rule.id === id)!.examples[0]!;
}

describe('keyhound scan finds key stores by content, whatever their name', () => {
  it('reports each store once, at line 1, by its hash; look-alikes are counted as binary', async () => {
    const store = pkcs12(true);
    const dir = tempDir();
    writeTree(dir, {
      'certs/server.pfx': store,
      'backup/old-store.dat': store,
      'keys/deploy.der': derKey('ec', 'sec1'),
      'vault.kdbx': keepass(0xb54bfb67),
      'fake.p12': randomBytes(2048),
      'truststore.p12': pkcs12(false),
      'deploy.ppk': ruleExample('private-key.yaml', 'putty-private-key'),
      'conf/users': ruleExample('htpasswd.yaml', 'htpasswd-password-hash'),
      'infra/state.json': ruleExample('terraform-state.yaml', 'terraform-state-file'),
      'gnupg/ABCD.key': ruleExample('gnupg.yaml', 'gnupg-private-key-file'),
    });
    const result = await run(['scan', '.', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.findings.map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.ruleId} ${finding.severity}`)).toEqual([
      'backup/old-store.dat:1:1 pkcs12-key-store critical',
      'certs/server.pfx:1:1 pkcs12-key-store critical',
      'conf/users:1:10 htpasswd-password-hash high',
      'deploy.ppk:5:1 putty-public-key low',
      'deploy.ppk:7:1 putty-private-key critical',
      'gnupg/ABCD.key:2:6 gnupg-private-key-file critical',
      'infra/state.json:5:15 terraform-state-file high',
      'keys/deploy.der:1:1 der-private-key critical',
      'vault.kdbx:1:1 keepass-database high',
    ]);
    // The same store under two names is one secret: one fingerprint, never its bytes.
    const [renamed, original] = report.findings;
    expect(renamed!.fingerprint).toBe(original!.fingerprint);
    expect(original!.lineText).toBe('sha2******** (keyhound: pkcs12 recognised by content)');
    expect(report.stats.skipped).toEqual({ binary: 2 });
  });

  it('a key store is a rule like any other: disabled in the config, allowlisted by path', async () => {
    const dir = tempDir();
    writeTree(dir, {
      'a.kdbx': keepass(0xb54bfb67),
      'test/fixtures/client.p12': pkcs12(true),
      '.keyhound.yaml': 'disable: [keepass-database]\nallowlist:\n  paths: [test/fixtures/]\n',
    });
    const result = await run(['scan', '.', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(0);
    // The fixture, and the config itself (its rules may hold example keys).
    expect((JSON.parse(result.stdout) as Report).stats.skipped).toEqual({ allowlisted: 2 });
  });

  it('staged and history find a committed key store (key stores are on in the hook: they cost a look at a binary file)', async () => {
    const keys = fakeKeys(5);
    const dir = repoWith({ 'README.md': `see ${keys.generic.slice(0, 4)}\n` });
    commitAll(dir, 'base');
    writeTree(dir, { 'src/main/resources/app.keystore': pkcs12(true) });
    gitIn(dir, ['add', '-A']);
    const staged = await run(['staged', '--format', 'json'], { cwd: dir });
    expect(staged.code).toBe(1);
    expect((JSON.parse(staged.stdout) as Report).findings.map((finding) => finding.ruleId)).toEqual(['pkcs12-key-store']);
    const sha = commitAll(dir, 'keystore');
    gitIn(dir, ['rm', '-q', 'src/main/resources/app.keystore']);
    commitAll(dir, 'remove it');
    const history = JSON.parse((await run(['history', '--format', 'json'], { cwd: dir })).stdout) as { findings: Array<{ file: string; ruleId: string; commit: { sha: string } }> };
    expect(history.findings.map((finding) => [finding.file, finding.ruleId, finding.commit.sha])).toEqual([['src/main/resources/app.keystore', 'pkcs12-key-store', sha]]);
  });

  it('a key store inside an archive is found there', async () => {
    const dir = tempDir();
    const { zipBytes } = await import('./helpers/archives.js');
    writeTree(dir, { 'release.zip': zipBytes([{ name: 'config/signing.jks', data: jksBytes(0xfeedfeed, 1) }]) });
    const report = JSON.parse((await run(['scan', '.', '--format', 'json'], { cwd: dir })).stdout) as Report;
    expect(report.findings.map((finding) => `${finding.file} ${finding.ruleId}`)).toEqual(['release.zip!config/signing.jks java-key-store']);
  });

  it('every key-store rule has a recogniser, and every recogniser a rule', () => {
    const spec = parse(readFileSync(join(import.meta.dirname, '..', 'rules', 'key-store.yaml'), 'utf8')) as { rules: Array<{ keywords: string[] }> };
    const kinds = spec.rules.map((rule) => /^keyhound: (.+) recognised$/.exec(rule.keywords[0]!)![1]);
    const source = readFileSync(join(import.meta.dirname, '..', 'src', 'sources', 'key-stores.ts'), 'utf8');
    const declared = /export type KeyStoreKind = ([^;]+);/.exec(source)![1]!.split('|').map((kind) => kind.trim().replace(/'/g, ''));
    expect(kinds.sort()).toEqual(declared.sort());
    expect(readdirSync(join(import.meta.dirname, '..', 'rules'))).toContain('key-store.yaml');
  });
});
