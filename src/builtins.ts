/**
 * The node built-ins that most runs never use, loaded on first use instead of at
 * start-up: hashing (a finding's fingerprint, a cache), decompression (an archive) and
 * promise-based file writes (a report file); and a clock that needs no perf_hooks. A
 * pre-commit hook that finds nothing needs none of them, and loading crypto, zlib and
 * fs/promises at start-up cost it 5 ms (hyperfine, bench/hook.mjs's repository). Each
 * function here is node's own, called through its module.
 */
import type * as Crypto from 'node:crypto';
import type * as FsPromises from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as Zlib from 'node:zlib';

const load = createRequire(import.meta.url);
let crypto: typeof Crypto | undefined;
let zlib: typeof Zlib | undefined;
let fsPromises: typeof FsPromises | undefined;
const nodeCrypto = (): typeof Crypto => (crypto ??= load('node:crypto') as typeof Crypto);
const nodeZlib = (): typeof Zlib => (zlib ??= load('node:zlib') as typeof Zlib);

export const createHash = (algorithm: string, options?: Crypto.HashOptions): Crypto.Hash => nodeCrypto().createHash(algorithm, options);
export const createHmac = (algorithm: string, key: Crypto.BinaryLike | Crypto.KeyObject, options?: Parameters<typeof Crypto.createHmac>[2]): Crypto.Hmac =>
  nodeCrypto().createHmac(algorithm, key, options);
export const createPrivateKey = (key: Crypto.PrivateKeyInput | string | Buffer): Crypto.KeyObject => nodeCrypto().createPrivateKey(key);
/** A SHA-256 in hex: the cache keys, checksums and digests keyhound writes. */
export const sha256 = (data: string | Buffer): string => nodeCrypto().createHash('sha256').update(data).digest('hex');
export const randomBytes = (size: number): Buffer => nodeCrypto().randomBytes(size);
export const randomUUID = (): string => nodeCrypto().randomUUID();
export const scrypt = (
  password: Crypto.BinaryLike,
  salt: Crypto.BinaryLike,
  keylen: number,
  options: Crypto.ScryptOptions,
  callback: (error: Error | null, derivedKey: Buffer) => void,
): void => nodeCrypto().scrypt(password, salt, keylen, options, callback);
export const scryptSync = (password: Crypto.BinaryLike, salt: Crypto.BinaryLike, keylen: number, options?: Crypto.ScryptOptions): Buffer =>
  nodeCrypto().scryptSync(password, salt, keylen, options);

export const gunzipSync = (buffer: Zlib.InputType, options?: Zlib.ZlibOptions): Buffer => nodeZlib().gunzipSync(buffer, options);
export const inflateRawSync = (buffer: Zlib.InputType, options?: Zlib.ZlibOptions): Buffer => nodeZlib().inflateRawSync(buffer, options);

export const writeFile = (path: string, data: string): Promise<void> => (fsPromises ??= load('node:fs/promises') as typeof FsPromises).writeFile(path, data);

/** Milliseconds from an arbitrary start, as `performance.now()`, whose first use loads perf_hooks (another 1 ms). */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;
