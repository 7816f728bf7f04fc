/**
 * Container images as `docker save` or an OCI image layout writes them to a tarball,
 * read from the tarball's entries with no daemon: each image's config (its `Env`, and the
 * build history's commands, where `ARG` and `ENV` values are kept) and every layer (a
 * tar, or a gzip'd tar). Every layer is read whole, so a file a later layer deletes (a
 * whiteout) is still found in the layer that added it.
 */
import { createHash } from '../builtins.js';

export interface ImageConfig {
  digest: string;
  /** `KEY=value` lines of the image's environment. */
  env: string[];
  /** The command of each build step (`/bin/sh -c #(nop)  ENV …`, `RUN |1 TOKEN=… /bin/sh -c …`). */
  history: string[];
}

export interface ImageLayer {
  digest: string;
  bytes: Buffer;
}

export interface ImageLayout {
  configs: ImageConfig[];
  layers: ImageLayer[];
  /** Configs and layers a manifest names that the tarball does not hold. */
  missing: string[];
}

/** `sha256:` and the first 12 hex digits, as docker shows ids. */
export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.includes(':') ? digest.split(':', 2) : ['sha256', digest];
  return `${algorithm}:${hex!.slice(0, 12)}`;
}

/** An entry's name without a leading `./`. */
export function entryKey(name: string): string {
  return name.replace(/^(?:\.\/)+/, '');
}

function json(bytes: Buffer | undefined): unknown {
  if (!bytes) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

const blobPath = (digest: string): string => `blobs/${digest.replace(':', '/')}`;
const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** An image's config and its layers, in the order they are stacked. */
interface ImageManifest {
  config: string;
  configDigest?: string;
  layers: Array<{ path: string; digest?: string }>;
}

/** `docker save`'s manifest.json: config and layers by path (older docker: `<id>/layer.tar`; newer: OCI blobs). */
function dockerManifests(entries: ReadonlyMap<string, Buffer>): ImageManifest[] | undefined {
  const manifest = json(entries.get('manifest.json'));
  if (!Array.isArray(manifest)) return undefined;
  return manifest.map((image) => {
    const { Config, Layers } = record(image);
    return { config: typeof Config === 'string' ? Config : '', layers: strings(Layers).map((path) => ({ path })) };
  });
}

/** An OCI layout: index.json names manifests (or nested indexes) by digest, each naming its config and layers. */
function ociManifests(entries: ReadonlyMap<string, Buffer>): ImageManifest[] | undefined {
  if (!entries.has('oci-layout')) return undefined;
  const manifests: ImageManifest[] = [];
  const seen = new Set<string>();
  const visit = (index: unknown): void => {
    for (const descriptor of Array.isArray(record(index).manifests) ? (record(index).manifests as unknown[]) : []) {
      const digest = record(descriptor).digest;
      if (typeof digest !== 'string' || seen.has(digest)) continue;
      seen.add(digest);
      const manifest = record(json(entries.get(blobPath(digest))));
      if (Array.isArray(manifest.manifests)) visit(manifest);
      const config = record(manifest.config).digest;
      if (typeof config !== 'string') continue;
      const layers = (Array.isArray(manifest.layers) ? manifest.layers : []).map((layer) => String(record(layer).digest));
      manifests.push({ config: blobPath(config), configDigest: config, layers: layers.map((layer) => ({ path: blobPath(layer), digest: layer })) });
    }
  };
  visit(json(entries.get('index.json')));
  return manifests;
}

/** The images of a docker save or OCI layout tarball, given its entries by name; undefined for any other tarball. */
export function imageLayout(entries: ReadonlyMap<string, Buffer>): ImageLayout | undefined {
  const manifests = dockerManifests(entries) ?? ociManifests(entries);
  if (!manifests) return undefined;
  const configs = new Map<string, ImageConfig>();
  const layers = new Map<string, ImageLayer>();
  const missing = new Set<string>();
  for (const manifest of manifests) {
    const configBytes = entries.get(manifest.config);
    if (!configBytes) {
      missing.add(manifest.config);
      continue;
    }
    const config = record(json(configBytes));
    const configDigest = manifest.configDigest ?? digestOfPath(manifest.config) ?? sha256(configBytes);
    configs.set(configDigest, {
      digest: configDigest,
      env: [...strings(record(config.config).Env)],
      history: (Array.isArray(config.history) ? config.history : []).map((step) => record(step).created_by).filter((command): command is string => typeof command === 'string'),
    });
    // A layer's digest: its OCI blob's, else the diff id docker lists for it (`docker inspect` shows these), else its own hash.
    const diffIds = strings(record(config.rootfs).diff_ids);
    manifest.layers.forEach((layer, i) => {
      const bytes = entries.get(layer.path);
      if (!bytes) return void missing.add(layer.path);
      const digest = layer.digest ?? digestOfPath(layer.path) ?? diffIds[i] ?? sha256(bytes);
      if (!layers.has(digest)) layers.set(digest, { digest, bytes });
    });
  }
  return { configs: [...configs.values()], layers: [...layers.values()], missing: [...missing] };
}

/** `blobs/sha256/<hex>` names its digest. */
function digestOfPath(path: string): string | undefined {
  const match = /^blobs\/([a-z0-9]+)\/([a-f0-9]{32,})$/.exec(path);
  return match ? `${match[1]}:${match[2]}` : undefined;
}
