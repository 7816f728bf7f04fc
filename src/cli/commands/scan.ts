/** `keyhound scan [paths..]`: the working tree, explicit files, or `-` for stdin. */
import { scan } from '../../scan/scan.js';
import type { Io } from '../io.js';
import { report, setupOptions, type ReportArgs } from '../report-options.js';

export interface ScanArgs extends ReportArgs {
  paths: string[];
  stdin: boolean;
  workers?: number;
}

export async function runScan(args: ScanArgs, io: Io): Promise<number> {
  const result = await scan({
    ...setupOptions(args, io),
    paths: args.paths,
    ...(args.stdin ? { stdin: io.readStdin() } : {}),
    ...(args.workers !== undefined ? { workers: args.workers } : {}),
  });
  return report(result, args, io);
}
