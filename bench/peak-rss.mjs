// Preloaded by the benchmarks (`node --import bench/peak-rss.mjs …`): at exit, writes
// this Node process's own peak RSS in KB (getrusage RUSAGE_SELF, so without the git
// processes it spawns) to $KEYHOUND_BENCH_RSS_FILE. /usr/bin/time's %M cannot tell the
// two apart: it reports the largest of the process and its children.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.KEYHOUND_BENCH_RSS_FILE;
if (file && isMainThread) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
