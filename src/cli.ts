#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import { BundlescopeError, EXIT, StoreError } from './errors.js';
import { parseSize, parseWhole } from './validate.js';
import { termSafe } from './report/safe.js';
import {
  cmdCase, cmdDemo, cmdExport, cmdIngest, cmdQuery, cmdRca, cmdReport, cmdReports, cmdSchema,
} from './commands.js';

/** The command line: commander only; each action calls the library (src/commands.ts). */
export function buildCli(): Command {
  const program = new Command('bundlescope')
    .description('Explain Linux kernel table overflows (TIME_WAIT buckets, conntrack, orphans, SYN/listen, socket memory, neighbour) from support bundles, on DuckDB')
    .version('0.1.0')
    .showHelpAfterError();
  const db = () => new Option('--db <file>', 'DuckDB database file').default('./bundlescope.duckdb');

  program.command('case')
    .description('the main job: ingest a case folder (or files), write report.html beside it and print the verdict')
    .argument('<path...>', 'a case folder as the customer sent it, or its files')
    .option('--db <file>', 'database file (default: DIR/bundlescope.duckdb for one folder, else ./bundlescope.duckdb)')
    .option('--host <name>', 'host of side files that do not name one (default: the only host of the case)')
    .option('--netns <name>', 'network namespace the side files were captured in (ip netns exec NAME …)')
    .option('--tz <zone>', 'IANA time zone for local times (overrides the bundle)')
    .addOption(new Option('--format <fmt>', 'verdict format on stdout').choices(['md', 'json']).default('md'))
    .option('-j, --jobs <n>', 'spread bundles over N processes (fleets)', (v) => parseWhole('--jobs', v), 1)
    .option('--max-total-bytes <size>', 'cap on uncompressed bytes read from one archive (as for ingest; default 16G)', (v) => parseSize('--max-total-bytes', v))
    .option('--max-member-bytes <size>', 'cap on one archive member (default 1G)', (v) => parseSize('--max-member-bytes', v))
    .option('--max-zstd-window <size>', 'largest window a zstd frame may ask for (default 128M)', (v) => parseSize('--max-zstd-window', v))
    .option('-v, --verbose', 'list every skipped line')
    .action(async (paths: string[], o) => { process.exitCode = await cmdCase(paths, o); });

  program.command('ingest')
    .description('ingest sosreports (archives or directories) and side files (logs, journal exports, slabinfo/nstat/ss snapshot logs, sar/sadf)')
    .argument('<path...>', 'inputs: files or directories')
    .addOption(db())
    .option('--host <name>', 'host the inputs belong to (overrides what the data says)')
    .option('--netns <name>', 'network namespace the side files were captured in (ip netns exec NAME …); a sosreport taken inside one is recognised by itself')
    .option('--tz <zone>', 'IANA time zone for local times (overrides the bundle)')
    .option('--as <kind>', 'force the input kind (skip detection)')
    .option('--max-total-bytes <size>', 'cap on uncompressed bytes read from one archive (bytes, or 10k, 512M, 16G: k M G T count in 1024s; default 16G)', (v) => parseSize('--max-total-bytes', v))
    .option('--max-member-bytes <size>', 'cap on one archive member (same forms; default 1G)', (v) => parseSize('--max-member-bytes', v))
    .option('--max-zstd-window <size>', 'largest window a zstd frame may ask for (the memory it takes to decode; same forms; default 128M)', (v) => parseSize('--max-zstd-window', v))
    .option('-j, --jobs <n>', 'spread bundles over N processes when they hold 32 MiB or more (fleets); side files follow in this one', (v) => parseWhole('--jobs', v), 1)
    .option('-v, --verbose', 'list every skipped line')
    .action(async (paths: string[], o) => { process.exitCode = await cmdIngest(paths, o); });

  program.command('rca')
    .description('root-cause report: per host and overflow kind, the episode, counts, limit, peak, trigger, top peers and what to change')
    .addOption(db())
    .option('--host <name>', 'only this host')
    .option('--netns <name>', "only findings of this network namespace ('' = the host's own)")
    .option('--from <time>', 'only episodes ending after this time (ISO 8601; without a zone: --tz, else the host\'s zone)')
    .option('--to <time>', 'only episodes starting before this time (ISO 8601)')
    .option('--tz <zone>', 'IANA zone of --from / --to times given without one')
    .addOption(new Option('--format <fmt>', 'output format').choices(['md', 'json', 'html']).default('md'))
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (o) => { process.exitCode = await cmdRca(o); });

  program.command('reports')
    .description('list the canned reports and the question each answers')
    .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (o) => { process.exitCode = await cmdReports(o); });

  program.command('report')
    .description('run a canned report')
    .argument('<name>', 'report name (see: bundlescope reports)')
    .addOption(db())
    .option('--host <name>', 'only this host')
    .option('--netns <name>', "only this network namespace ('' = the host's own), for the reports that are per namespace")
    .option('--from <time>', 'from this time (ISO 8601; without a zone: --tz, else the host\'s zone)')
    .option('--to <time>', 'to this time (ISO 8601)')
    .option('--tz <zone>', 'IANA zone of --from / --to times given without one')
    .option('--param <k=v...>', 'other report parameters, e.g. --param kind=tcp_timewait_overflow (see: bundlescope reports)')
    .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'csv', 'json', 'md', 'parquet', 'arrow']).default('table'))
    .option('--out <file>', 'write to a file instead of stdout (required for parquet)')
    .option('--wide', 'table: cut no cell (by default cells stop at 60 characters; paths keep their file name)')
    .option('--raw-csv', "csv: write cells as they are (by default text starting with = + - @ tab or CR gets a leading ' so spreadsheets do not run it, and control characters show as \\xHH)")
    .action(async (name: string, o) => { process.exitCode = await cmdReport(name, o); });

  program.command('export')
    .description('write every table and key view as files DuckDB, pandas, polars or R read directly: Parquet partitioned by host, or one Arrow IPC file each')
    .argument('<dir>', 'output folder: a new or empty one, or an earlier export (its files are replaced; no other file is touched)')
    .addOption(db())
    .addOption(new Option('--format <fmt>', 'file format').choices(['parquet', 'arrow']).default('parquet'))
    .action(async (dir: string, o) => { process.exitCode = await cmdExport(dir, o); });

  program.command('query')
    .description('run SQL against the database (read-only unless --write)')
    .argument('<sql>', 'SQL text')
    .addOption(db())
    .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'json', 'csv', 'md']).default('table'))
    .option('--write', 'allow statements that change the database')
    .option('--allow-files', 'let the SQL read and write local files (read_text, read_csv, COPY … TO); off by default, as a database from elsewhere can carry views that read them')
    .option('--wide', 'table: cut no cell (by default cells stop at 60 characters; paths keep their file name)')
    .option('--raw-csv', "csv: write cells as they are (by default text starting with = + - @ tab or CR gets a leading ' so spreadsheets do not run it, and control characters show as \\xHH)")
    .action(async (sql: string, o) => { process.exitCode = await cmdQuery(sql, o); });

  program.command('schema')
    .description('every table, view and column of the database with its meaning and value conventions (units, UTC times, time quality, NULL, state names)')
    .argument('[name]', 'only this table or view')
    .addOption(new Option('--format <fmt>', 'output format').choices(['md', 'json']).default('md'))
    .action(async (name: string | undefined, o) => { process.exitCode = await cmdSchema(name, o); });

  program.command('demo')
    .description('the main job on the bundled samples: ingest samples/ into a temporary database and print the root-cause report')
    .addOption(new Option('--format <fmt>', 'output format').choices(['md', 'json', 'html']).default('md'))
    .option('--db <file>', 'keep the database here instead of a temporary file')
    .action(async (o) => { process.exitCode = await cmdDemo(o); });
  return program;
}

/** Run the CLI (in-process for tests: exitOverride + parseAsync). Returns the exit code. */
export async function main(argv: string[], opts: { exitOverride?: boolean } = {}): Promise<number> {
  const program = buildCli();
  // Usage errors exit 2 (commander's own would exit 1); help and version exit 0.
  void opts;
  program.exitOverride();
  for (const c of program.commands) c.exitOverride();
  process.exitCode = 0;
  try {
    await program.parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT.usage;
    if (e instanceof BundlescopeError) {
      process.stderr.write(termSafe(e.format(), true) + '\n');
      return e instanceof StoreError ? EXIT.store : EXIT.usage;
    }
    process.stderr.write(((e as Error).stack ?? String(e)) + '\n');
    return EXIT.unexpected;
  }
}

const invoked = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : '';
if (invoked === import.meta.url) {
  // `bundlescope report … | head -2`: the reader went away; stop quietly, as Unix tools do.
  const quietOnEpipe = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  };
  process.stdout.on('error', quietOnEpipe);
  process.stderr.on('error', quietOnEpipe);
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
