// The report's facts about the repository, from one `git rev-parse`, against what git's
// own single-purpose commands say, wherever a report can be asked for.
import { mkdirSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportMeta } from '../src/cli/report-meta.js';
import { commitAll, gitIn, repoWith, tempDir } from './helpers/cli.js';

const meta = (cwd: string) => reportMeta('json', cwd, {}, 'keyhound scan', '2024-01-02T03:04:05Z');

describe('report meta', () => {
  const repo = repoWith({ 'src/a.txt': 'a\n' });
  const head = commitAll(repo, 'first');
  const top = gitIn(repo, ['rev-parse', '--show-toplevel']).trim();

  it('names the commit, the branch and the top level, from the top and from a subdirectory', async () => {
    for (const cwd of [repo, join(repo, 'src')]) {
      expect(await meta(cwd)).toMatchObject({ revision: head, branch: 'main', repositoryPath: top, repository: basename(top) });
    }
  });

  it('gives the real top level from a directory reached through a symbolic link', async () => {
    const link = join(tempDir(), 'linked');
    symlinkSync(repo, link);
    expect((await meta(join(link, 'src'))).repositoryPath).toBe(top);
  });

  it('names no top level inside the git directory or in a bare clone, and the bare clone by its directory', async () => {
    const inGitDir = await meta(join(repo, '.git'));
    expect(inGitDir).toMatchObject({ revision: head });
    expect(inGitDir.repositoryPath).toBeUndefined();
    const bare = join(tempDir(), 'api.git');
    gitIn(repo, ['clone', '-q', '--bare', repo, bare]);
    const fromBare = await meta(bare);
    expect(fromBare).toMatchObject({ revision: head, repository: 'api' });
    expect(fromBare.repositoryPath).toBeUndefined();
  });

  it('names the branch but no commit before the first, and nothing outside a repository', async () => {
    const empty = repoWith({});
    mkdirSync(join(empty, 'sub'));
    const unborn = await meta(join(empty, 'sub'));
    expect(unborn).toMatchObject({ branch: 'main', repositoryPath: gitIn(empty, ['rev-parse', '--show-toplevel']).trim() });
    expect(unborn.revision).toBeUndefined();
    expect(await meta(tempDir())).toEqual({ command: 'keyhound scan', startedAt: '2024-01-02T03:04:05Z' });
  });
});
