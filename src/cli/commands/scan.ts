/** `keyhound scan [paths..]`: the working tree, explicit files, or `-` for stdin. */
import { scan } from '../../scan/scan.js';
import type { Shard } from '../../scan/shard.js';
import type { Io } from '../io.js';
import type { ReportArgs } from '../options.js';
import { scanAndReport } from '../report-options.js';

export interface ScanArgs extends ReportArgs {
  paths: string[];
  stdin: boolean;
  workers?: number;
  shard?: Shard;
}

export async function runScan(args: ScanArgs, io: Io): Promise<number> {
  const stdin = args.stdin ? await io.readStdin() : undefined;
  return scanAndReport(args, io, 'scan', (options) =>
    scan({
      ...options,
      paths: args.paths,
      ...(stdin !== undefined ? { stdin } : {}),
      ...(args.workers !== undefined ? { workers: args.workers } : {}),
      ...(args.shard ? { shard: args.shard } : {}),
    }),
  );
}
