/**
 * Real archives, written at test time by the tools people use: Python's zipfile (which
 * also writes what `zip` refuses to: `../` names, zip64 records, symlinks) and tar.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, writeTree } from './cli.js';

export interface ZipEntry {
  name: string;
  data: string | Buffer;
  /** Default deflate. */
  stored?: boolean;
  /** A symlink (Unix mode in the external attributes). */
  symlink?: boolean;
}

const ZIP_SCRIPT = `
import base64, json, sys, zipfile
spec = json.load(sys.stdin)
with zipfile.ZipFile(spec['out'], 'w', allowZip64=True) as archive:
    for entry in spec['entries']:
        info = zipfile.ZipInfo(entry['name'], date_time=(2024, 1, 2, 3, 4, 6))
        info.compress_type = zipfile.ZIP_STORED if entry['stored'] else zipfile.ZIP_DEFLATED
        if entry['symlink']:
            info.external_attr = 0o120777 << 16
        with archive.open(info, 'w', force_zip64=spec['zip64']) as out:
            out.write(base64.b64decode(entry['data']))
`;

/** A zip file's bytes; `zip64` writes every entry with zip64 extra fields. */
export function zipBytes(entries: ZipEntry[], options: { zip64?: boolean } = {}): Buffer {
  const out = join(tempDir('keyhound-zip-'), 'out.zip');
  const spec = {
    out,
    zip64: options.zip64 ?? false,
    entries: entries.map((entry) => ({ name: entry.name, data: Buffer.from(entry.data).toString('base64'), stored: entry.stored ?? false, symlink: entry.symlink ?? false })),
  };
  const result = spawnSync('python3', ['-c', ZIP_SCRIPT], { input: JSON.stringify(spec), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python3 zipfile failed: ${result.stderr}`);
  return readFileSync(out);
}

/** A tar file's bytes, made by tar from these files (names in the order given). */
export function tarBytes(files: Record<string, string | Buffer>, options: { format?: 'gnu' | 'posix' | 'ustar' } = {}): Buffer {
  const dir = tempDir('keyhound-tar-');
  writeTree(join(dir, 'tree'), files);
  const out = join(dir, 'out.tar');
  const result = spawnSync('tar', [`--format=${options.format ?? 'gnu'}`, '--owner=0', '--group=0', '--mtime=2024-01-02', '-cf', out, '-C', join(dir, 'tree'), ...Object.keys(files)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tar failed: ${result.stderr}`);
  return readFileSync(out);
}
