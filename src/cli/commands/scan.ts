/** `keyhound scan [paths..]`: the working tree, explicit files, or `-` for stdin. */
import { scan } from '../../scan/scan.js';
import { FORMATTERS, type FormatName } from '../../report/index.js';
import { EXIT_CLEAN, EXIT_LEAKS } from '../exit-codes.js';
import type { Io } from '../io.js';
import { writeReport } from '../write-report.js';

export interface ScanArgs {
  paths: string[];
  stdin: boolean;
  format: FormatName;
  output?: string;
  showSecrets: boolean;
  config?: string;
  maxFileSize?: number;
  color?: boolean;
  quiet: boolean;
  workers?: number;
}

export async function runScan(args: ScanArgs, io: Io): Promise<number> {
  const result = await scan({
    paths: args.paths,
    ...(args.stdin ? { stdin: io.readStdin() } : {}),
    cwd: io.cwd,
    ...(args.config ? { config: args.config } : {}),
    ...(args.maxFileSize !== undefined ? { maxFileSize: args.maxFileSize } : {}),
    ...(args.workers !== undefined ? { workers: args.workers } : {}),
    onWarning: (message) => {
      if (!args.quiet) io.stderr(`warning: ${message}\n`);
    },
  });
  const color = useColor(args.color, args.output ? false : io.stdoutIsTTY, io.env);
  writeReport(FORMATTERS[args.format](result, { showSecrets: args.showSecrets, color }), args.output, io);
  return result.findings.length ? EXIT_LEAKS : EXIT_CLEAN;
}

/** Colour on a terminal only; NO_COLOR wins unless --color is given explicitly. */
export function useColor(flag: boolean | undefined, isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (flag !== undefined) return flag;
  return isTTY && !env.NO_COLOR;
}
