/** The library API runs the same pipeline as the CLI and keeps raw secrets out of serialisation. */
import { describe, expect, it } from 'vitest';
import { rawSecret, scan } from '../src/index.js';
import { fakeKeys } from './helpers/keys.js';
import { tempDir, writeTree } from './helpers/cli.js';

const keys = fakeKeys(3);

describe('import { scan } from "keyhound"', () => {
  it('returns typed, redacted findings and stats', async () => {
    const dir = tempDir();
    writeTree(dir, { 'config/prod.env': `STRIPE_SECRET_KEY=${keys.stripe}\n` });
    const { findings, stats } = await scan({ paths: ['.'], cwd: dir });
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({ ruleId: 'stripe-live-secret-key', file: 'config/prod.env', line: 1, column: 19 });
    expect(JSON.stringify(findings)).not.toContain(keys.stripe);
    expect(rawSecret(finding!)).toBe(keys.stripe);
    expect(stats).toMatchObject({ files: 1, findings: 1 });
  });

  it('scans text given as stdin', async () => {
    const { findings } = await scan({ stdin: `token: ${keys.github}`, cwd: tempDir() });
    expect(findings.map((f) => f.file)).toEqual(['<stdin>']);
  });
});
