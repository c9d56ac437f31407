using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Viaduct.Shared.Eclrs;
using Viaduct.Samples;

namespace Viaduct.Bench;

internal static class BenchCommands
{
    private const string Usage = """
        Viaduct benchmarks.

          generate --rows N [--duplicate-share S] [--version 1|2|3] [--seed K] [--bad-share B] [--first-index I] --out PATH
              Writes a synthetic (fictitious) ECLRS file; PATH '-' is standard output. --duplicate-share S makes
              the file that repeats S of the rows of the file of the same seed and size starting at index 0.

          check --in PATH
              Reads an ECLRS file with E1's reader: rows, bad rows, distinct row checksums, counties, speed.

          e1 [--rows 300000] [--duplicate-share 0.95] [--seed 1] [--version 3] [--bad-share 0] [--timeout 1800]
             [--warm-up-rows 20000] [--dedup-memory 0] [--e1-dir DIR] [--pg-set name=value,...]
              In one run: migrate a fresh database, time psql \copy of a new file into a bare table, run the real
              E1 engine as its own process on the same file and on a file with the duplicate share, and print the
              figures against the targets. Needs VIADUCT_TEST_POSTGRES (or ConnectionStrings__Viaduct),
              Aws__ServiceUrl and AWS credentials in the environment (scripts/bench.sh sets them up).
              The engine first imports a small warm-up file of another seed (--warm-up-rows 0 to skip), so
              that file A is measured with the engine's hot paths already compiled by the JIT.
              --pg-set applies ALTER DATABASE ... SET to the bench database before E1 starts (experiments such
              as work_mem=256MB,jit=off). --dedup-memory N first fills abouts with N checksums of earlier
              exports, as a deployment's dedup memory is after months.

          e2 [--rows 100000] [--seed 1] [--version 3] [--batch-size N] [--replicas 1] [--latency-files 40] [--latency-rows 100-200]
             [--max-pause-ms 500] [--timeout 900] [--e1-dir DIR] [--e2-dir DIR] [--pg-set name=value,...]
             [--setup-sql SQL] [--analyze] [--profile] [--keep-database]
              Throughput: a fresh database gets the rows of a synthetic file through the real E1 with E2 not running;
              then the real E2 starts as its own process and transforms them all: results/s from its first claim to
              its last commit (database clock), people, cases, lab results and outcomes, which are checked (exit 1
              when wrong). Pick-up latency: with E2 idle and listening, --latency-files small files of new rows go
              through E1 one after another (a random pause of up to --max-pause-ms after each); per file,
              files.processed_at (E1's commit) -> the earliest transformed_at of its rows; p50, p99, max.
              --batch-size sets E2__BatchSize (default: E2's own). --replicas N runs N E2 processes side by side.
              --analyze runs ANALYZE after the load.
              --setup-sql runs SQL on the database once it is migrated (experiments: an index, a storage parameter).
              --profile samples pg_stat_activity every 5 ms while E2 works and prints what its sessions did.
              --keep-database leaves the database in place for a look afterwards (EXPLAIN ...).

          e4 [--rows 33334] [--seed 1] [--workers 20] [--cases-per-job N] [--e3-batch-size N] [--latency-ms 20] [--noop-jobs 2000]
             [--latency-batches 60] [--latency-rows 5-30] [--max-pause-ms 500] [--timeout 900] [--e2-dir DIR] [--e3-dir DIR]
             [--e4-dir DIR] [--commcare-dir DIR] [--env NAME=VALUE,...] [--pg-set name=value,...] [--profile] [--keep-database]
              The outbound half: E2, E3, E4 and the CommCare-like server (answering each API request after --latency-ms)
              as processes of their own on a fresh database. Reference: --noop-jobs plain no-op Hangfire jobs on the same
              storage, run by a Hangfire server of --workers workers in this process: jobs/s. Throughput: --rows synthetic
              results (about 0.6 cases a row, 1-3 lab results each) stored as E1 leaves them and transformed by the real
              E2 while E3 and E4 do not run; then E3 and E4 post every changed case: cases/s from E3's first claim to the
              last post (database clock); every case must be posted exactly once downstream (exit 1 otherwise).
              Latency: with all of them running, --latency-batches batches of new results, a random pause of up to
              --max-pause-ms after each; per changed case, E2's change (changed_at) -> the post (posted_at): p50, p99.
              --workers sets E4__WorkerCount (and the reference's workers), --cases-per-job E3__CasesPerJob,
              --e3-batch-size E3__BatchSize; --env passes more settings to E3 and E4 (E4__MaxItemsPerRequest=50,...).
              --profile samples pg_stat_activity every 5 ms during the throughput phase.

          e5 [--cases 50000] [--domains 10] [--latency-ms 0] [--timeout 900] [--e5-dir DIR] [--commcare-dir DIR]
             [--pg-set name=value,...] [--keep-database]
              The inbound sync: a fresh database gets --cases index cases as E2 and E4 leave them (posted, version 1) over
              --domains counties, one CommCare domain each; the CommCare-like server (a process of its own, answering
              each API request after --latency-ms) gets the same cases through its bulk upsert API, each with a value
              changed there. Then the real E5 starts as its own process (its defaults, claim interval 20 ms) and pulls
              them all: cases/min from its process start until every case carries the remote value; every case must be
              synced exactly once (sync_changes) and none left for E3 (exit 1 otherwise).
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        var rest = args[1..];
        try
        {
            switch (args[0])
            {
                case "generate":
                    return Generate(BenchArguments.Parse(rest, ["rows", "duplicate-share", "version", "seed", "bad-share", "first-index", "out"], []));
                case "check":
                    return Check(BenchArguments.Parse(rest, ["in"], []));
                case "e2":
                    var e2 = BenchArguments.Parse(rest, E2BenchmarkSettings.Options, E2BenchmarkSettings.Flags);
                    return await E2Benchmark.RunAsync(E2BenchmarkSettings.From(e2), cancellation.Token);
                case "e4":
                    var e4 = BenchArguments.Parse(rest, E4BenchmarkSettings.Options, E4BenchmarkSettings.Flags);
                    return await E4Benchmark.RunAsync(E4BenchmarkSettings.From(e4), cancellation.Token);
                case "e5":
                    var e5 = BenchArguments.Parse(rest, E5BenchmarkSettings.Options, E5BenchmarkSettings.Flags);
                    return await E5Benchmark.RunAsync(E5BenchmarkSettings.From(e5), cancellation.Token);
                case "e1":
                    var e1 = BenchArguments.Parse(rest, ["rows", "duplicate-share", "seed", "version", "bad-share", "timeout", "e1-dir", "pg-set", "warm-up-rows", "dedup-memory"], []);
                    return await E1Benchmark.RunAsync(E1BenchmarkSettings.From(e1), cancellation.Token);
                default:
                    throw new UsageException($"unknown command '{args[0]}'");
            }
        }
        catch (UsageException ex)
        {
            await Console.Error.WriteLineAsync($"viaduct-bench: {ex.Message}\n\n{Usage}");
            return 2;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("viaduct-bench: cancelled");
            return 130;
        }
    }

    internal static EclrsVersion ParseVersion(BenchArguments arguments) => (EclrsVersion)arguments.Int("version", 3, 1, 3);

    private static int Generate(BenchArguments arguments)
    {
        var rows = arguments.Int("rows", -1, 0, int.MaxValue);
        if (rows < 0)
        {
            throw new UsageException("generate needs --rows");
        }

        var path = arguments.String("out") ?? throw new UsageException("generate needs --out PATH ('-' for standard output)");
        if (arguments.String("duplicate-share") is not null && arguments.String("first-index") is not null)
        {
            throw new UsageException("give --duplicate-share or --first-index, not both");
        }

        var share = arguments.Double("duplicate-share", 0, 0, 1);
        var options = new SyntheticEclrsOptions
        {
            Rows = rows,
            FirstIndex = arguments.String("first-index") is not null
                ? arguments.Long("first-index", 0, 0, long.MaxValue / 2)
                : arguments.String("duplicate-share") is not null ? SyntheticEclrs.FirstIndexForDuplicateShare(rows, share) : 0,
            Seed = arguments.Int("seed", 1, int.MinValue, int.MaxValue),
            Version = ParseVersion(arguments),
            BadRowShare = arguments.Double("bad-share", 0, 0, 1),
        };

        var watch = Stopwatch.StartNew();
        long bytes;
        if (path == "-")
        {
            using var stdout = Console.OpenStandardOutput();
            using var writer = new StreamWriter(stdout, new UTF8Encoding(false), 1 << 16);
            SyntheticEclrs.Write(writer, options);
            writer.Flush();
            bytes = -1;
        }
        else
        {
            bytes = SyntheticEclrs.WriteFile(path, options);
        }

        watch.Stop();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {rows:N0} rows (v{(int)options.Version}, seed {options.Seed}, first index {options.FirstIndex:N0}, bad share {options.BadRowShare}) "
            + $"{(bytes >= 0 ? $"{bytes / 1e6:N1} MB " : "")}in {watch.Elapsed.TotalSeconds:N2} s: {rows / Math.Max(watch.Elapsed.TotalSeconds, 1e-9):N0} rows/s"));
        return 0;
    }

    private static int Check(BenchArguments arguments)
    {
        var path = arguments.String("in") ?? throw new UsageException("check needs --in PATH");
        var watch = Stopwatch.StartNew();
        using var text = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        using var eclrs = EclrsReader.Open(text);
        var checksum = new byte[32];
        var distinct = new HashSet<UInt128>();
        var counties = new Dictionary<string, int>(StringComparer.Ordinal);
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        long rows = 0, bad = 0, characters = 0, quoted = 0;
        while (eclrs.Read())
        {
            rows++;
            characters += eclrs.RawLine.Length;
            if (eclrs.RawLine.Contains('"', StringComparison.Ordinal))
            {
                quoted++;
            }

            if (eclrs.Error is { } error)
            {
                bad++;
                reasons[error] = reasons.GetValueOrDefault(error) + 1;
                continue;
            }

            eclrs.WriteChecksum(checksum);
            distinct.Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(checksum));
            var county = eclrs[EclrsColumns.CountyCode];
            counties[county] = counties.GetValueOrDefault(county) + 1;
        }

        watch.Stop();
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"version v{(int)eclrs.Version}; rows {rows:N0}; bad {bad:N0}; distinct checksums {distinct.Count:N0}; rows with quotes {quoted:N0}"));
        Console.WriteLine(string.Create(inv, $"mean row length {(rows == 0 ? 0 : characters / (double)rows):N0} characters; counties {counties.Count}"));
        foreach (var (county, count) in counties.OrderByDescending(c => c.Value).Take(12))
        {
            Console.WriteLine(string.Create(inv, $"  county {county,-6} {count,10:N0}"));
        }

        foreach (var (reason, count) in reasons.OrderByDescending(r => r.Value))
        {
            Console.WriteLine(string.Create(inv, $"  bad: {count,8:N0}  {reason}"));
        }

        Console.WriteLine(string.Create(inv, $"read in {watch.Elapsed.TotalSeconds:N2} s: {rows / Math.Max(watch.Elapsed.TotalSeconds, 1e-9):N0} rows/s"));
        return 0;
    }

    /// <summary>A short random lower-case id for names of throwaway things.</summary>
    internal static string NewId() => RandomNumberGenerator.GetHexString(10, lowercase: true);
}
