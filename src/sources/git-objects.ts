/**
 * Text git keeps outside the commits' files: the messages of annotated tags, and the
 * blobs and tags that no ref, reflog or other object reaches (dangling objects: what a
 * rebase, an amend, a reset or a force-push left behind). Dangling commits are walked
 * with the history; this yields the rest as fragments under a label (a tag's `commit`
 * is the tag object, its tagger and date, as a commit would name them).
 */
import { MISSING, TOO_LARGE, type BlobReader } from '../git/blobs.js';
import { annotatedTags } from '../git/git.js';
import { decodeText, hasUtf16Bom, isBinary } from './read-file.js';
import { LABELS, type Fragment, type Skip } from './types.js';
import type { CommitInfo } from '../findings/finding.js';

/** A tag object's message, and who tagged when (`tagger Name <email> <epoch> <zone>`). */
export function parseTag(id: string, object: string): { message: string; commit: CommitInfo } {
  const blank = object.indexOf('\n\n');
  const headers = blank === -1 ? object : object.slice(0, blank);
  const message = blank === -1 ? '' : object.slice(blank + 2);
  const tagger = /^tagger (.*) <([^>]*)> (\d+) [+-]\d{4}$/m.exec(headers);
  return {
    message,
    commit: {
      sha: id,
      author: tagger?.[1] ?? '',
      email: tagger?.[2] ?? '',
      date: tagger ? new Date(Number(tagger[3]) * 1000).toISOString() : '',
      message: message.split('\n')[0] ?? '',
    },
  };
}

export async function* objectsOutsideCommits(
  repo: string,
  blobs: BlobReader,
  maxSize: number,
  options: { tags: boolean; danglingTags: readonly string[]; danglingBlobs: readonly string[] },
): AsyncGenerator<Fragment | Skip> {
  const tags = [...(options.tags ? await annotatedTags(repo) : []), ...options.danglingTags.map((id) => ({ name: id.slice(0, 12), id }))];
  for (const tag of tags) {
    const object = await blobs.read(tag.id, maxSize, 'tag');
    if (object === TOO_LARGE) yield { path: LABELS.tag(tag.name), reason: 'too-large' };
    if (typeof object === 'symbol') continue;
    const { message, commit } = parseTag(tag.id, object.toString('utf8'));
    yield { path: LABELS.tag(tag.name), text: message, startLine: 1, commit };
  }
  for (const id of options.danglingBlobs) {
    const bytes = await blobs.read(id, maxSize);
    if (bytes === MISSING) continue;
    const path = LABELS.blob(id);
    if (bytes === TOO_LARGE) yield { path, reason: 'too-large' };
    else if (!hasUtf16Bom(bytes) && isBinary(bytes)) yield { path, reason: 'binary' };
    else yield { path, text: decodeText(bytes), startLine: 1 };
  }
}
