/**
 * Container images without a daemon: `docker save` tarballs (the classic layout and the
 * OCI layout docker 25 writes) assembled here from real tar layers, with a secret that a
 * later layer deletes (a whiteout), and secrets in the config's Env and build history.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { archiveItems, isItemSkipped } from '../src/sources/archives.js';
import { archiveBudget, scanBudget } from '../src/sources/byte-budget.js';
import { imageLayout, shortDigest } from '../src/sources/image.js';
import { tarBytes } from './helpers/archives.js';
import { tempDir, writeTree } from './helpers/cli.js';
import { fakeKeys } from './helpers/keys.js';
import { run } from './helpers/run.js';

const keys = fakeKeys(91);
const sha256 = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const hex = (digest: string) => digest.slice('sha256:'.length);

/** Two layers: the first adds app/.env with a token, the second deletes it (whiteout) and adds a harmless file. */
function layers() {
  const first = tarBytes({ 'app/.env': `# build\nGITHUB_TOKEN=${keys.github}\n`, 'app/server.js': 'console.log("hi");\n' });
  const second = tarBytes({ 'app/.wh..env': '', 'app/config.json': '{"port": 8080}\n' });
  return [first, second] as const;
}

function config(diffIds: string[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/bin', `STRIPE_KEY=${keys.stripe}`], Cmd: ['node', 'app/server.js'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: [
        { created_by: '/bin/sh -c #(nop) ADD file:0a1b2c in / ' },
        { created_by: `|1 AWS_ACCESS_KEY_ID=${keys.awsKeyId} /bin/sh -c ./fetch-assets.sh` },
        { created_by: '/bin/sh -c rm app/.env', empty_layer: false },
      ],
    }),
  );
}

/** `docker save` before docker 25: `<id>/layer.tar`, `<config hash>.json`, manifest.json. */
function classicImage(): { tar: Buffer; config: string; layers: string[] } {
  const [first, second] = layers();
  const diffIds = [sha256(first), sha256(second)];
  const configBytes = config(diffIds);
  const configName = `${hex(sha256(configBytes))}.json`;
  const manifest = [{ Config: configName, RepoTags: ['shop/app:1.4'], Layers: ['1111aaaa/layer.tar', '2222bbbb/layer.tar'] }];
  const tar = tarBytes({
    'manifest.json': JSON.stringify(manifest),
    [configName]: configBytes,
    '1111aaaa/layer.tar': first,
    '2222bbbb/layer.tar': second,
    repositories: '{"shop/app":{"1.4":"2222bbbb"}}',
  });
  return { tar, config: sha256(configBytes), layers: diffIds };
}

/** An OCI image layout (docker 25's save, skopeo, buildah): index.json, blobs by digest, gzip'd layers. */
function ociImage(): { tar: Buffer; config: string; layers: string[] } {
  const [first, second] = layers().map((layer) => gzipSync(layer));
  const configBytes = config([sha256(layers()[0]), sha256(layers()[1])]);
  const blob = (bytes: Buffer) => [`blobs/sha256/${hex(sha256(bytes))}`, bytes] as const;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(configBytes), size: configBytes.length },
      layers: [first!, second!].map((layer) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length })),
    }),
  );
  const index = { schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length }] };
  const tar = tarBytes({
    'oci-layout': '{"imageLayoutVersion":"1.0.0"}',
    'index.json': JSON.stringify(index),
    ...Object.fromEntries([blob(manifest), blob(configBytes), blob(first!), blob(second!)]),
  });
  return { tar, config: sha256(configBytes), layers: [sha256(first!), sha256(second!)] };
}

interface Report {
  findings: Array<{ file: string; line: number; column: number; ruleId: string }>;
  stats: { files: number; archives?: number; skipped: Record<string, number>; warnings: string[] };
}

describe('imageLayout', () => {
  it.each([
    ['docker save (classic)', classicImage],
    ['OCI layout', ociImage],
  ])('%s: configs and layers in stacking order', (_, make) => {
    const image = make();
    const layout = imageLayout(readTar(image.tar))!;
    expect(layout.configs.map((config) => [config.digest, config.env.length, config.history.length])).toEqual([[image.config, 2, 3]]);
    expect(layout.layers.map((layer) => layer.digest)).toEqual(image.layers);
    expect(layout.missing).toEqual([]);
  });

  it('is undefined for a tarball that is not an image, and names what a manifest lacks', () => {
    expect(imageLayout(readTar(tarBytes({ 'a.txt': 'a' })))).toBeUndefined();
    const manifest = JSON.stringify([{ Config: 'c.json', Layers: ['gone/layer.tar'] }]);
    expect(imageLayout(readTar(tarBytes({ 'manifest.json': manifest, 'c.json': '{}' })))!.missing).toEqual(['gone/layer.tar']);
  });

  it('shortens digests as docker does', () => {
    expect(shortDigest('sha256:0123456789abcdef0123')).toBe('sha256:0123456789ab');
  });
});

/** The tarball's entries by name, read with keyhound's own reader. */
function readTar(tar: Buffer): Map<string, Buffer> {
  const items = [...archiveItems(tar, 'tar', archiveBudget(scanBudget(1e9), 1e9, 100), 'image.tar')];
  return new Map(items.flatMap((item) => (isItemSkipped(item) ? [] : [[item.name, item.bytes] as const])));
}

describe('keyhound scan image.tar', () => {
  it.each([
    ['docker save (classic)', classicImage],
    ['OCI layout, gzip layers', ociImage],
  ])('%s: every layer (a deleted file too), the Env and the build history, as image:layer-digest!path', async (_, make) => {
    const image = make();
    const dir = tempDir();
    writeTree(dir, { 'shop-app.tar': image.tar });
    const result = await run(['scan', 'shop-app.tar', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    const config = `shop-app.tar:${shortDigest(image.config)}`;
    expect(report.findings.map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.ruleId}`)).toEqual([
      `${config}!<config Env>:2:12 stripe-live-secret-key`,
      `${config}!<config history>:2:22 aws-access-key-id`,
      `shop-app.tar:${shortDigest(image.layers[0]!)}!app/.env:2:14 github-pat-classic`,
    ]);
    // The image and its two layers; their four files (the whiteout too) and the config's two texts.
    expect(report.stats).toMatchObject({ archives: 3, files: 6, skipped: {}, warnings: [] });
    expect(result.stdout).not.toContain(keys.github);
  });

  it('needs --archives on (images are archives)', async () => {
    const dir = tempDir();
    writeTree(dir, { 'app.tar': classicImage().tar });
    const report = JSON.parse((await run(['scan', '.', '--format', 'json', '--no-archives'], { cwd: dir })).stdout) as Report;
    expect(report.findings).toEqual([]);
    expect(report.stats.skipped).toEqual({ archive: 1 });
  });
});
