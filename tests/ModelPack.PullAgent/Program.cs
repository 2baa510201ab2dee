using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Packing;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Store;
using ModelPack.Core.Transfer;

namespace ModelPack.PullAgent;

/// <summary>
/// <c>ModelPack.PullAgent STORE REFERENCE [--concurrency N] [--connections-per-blob N] [--part-mib N] [--max-retry N] [--read-idle-ms N]
/// [--stale-age-seconds N] [--durability deferred|immediate] [--pause-at STAGE] [--log]</c>: pulls REFERENCE into the store at STORE and
/// prints one line per event on stdout:
/// <c>start pid=P hwm=KB</c>, <c>progress STAGE DONE TOTAL</c>, <c>paused STAGE</c>, <c>log TEXT</c>,
/// then <c>done digest=D bytes=N blobs=N uptodate=B ms=N hwm=KB</c> (exit 0) or
/// <c>error ERRORID MESSAGE</c> (exit 1). With --pause-at the pull stops the first time it reports
/// that stage, so a test can kill it at exactly that point, or let it go on with a line on stdin.
/// With <c>--pack SOURCE</c> it packs the folder SOURCE into the store as REFERENCE instead
/// (ModelPacker.PackAsync; --pause-at names a PackStage; <c>done digest=D bytes=N</c>). With <c>--remove</c> it
/// removes REFERENCE from the store (ModelStore.Remove; <c>done removed=True|False</c>).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: ModelPack.PullAgent STORE REFERENCE [--concurrency N] [--connections-per-blob N] [--part-mib N] [--max-retry N] [--read-idle-ms N] [--stale-age-seconds N] [--durability deferred|immediate] [--pause-at STAGE] [--log] [--pack SOURCE] [--remove]");
            return 64;
        }

        var options = Options(args, 2);
        var store = ModelStore.Open(args[0]);
        if (options.TryGetValue("--stale-age-seconds", out var staleAge))
        {
            store.StaleTempAge = TimeSpan.FromSeconds(double.Parse(staleAge, CultureInfo.InvariantCulture));
        }

        if (options.TryGetValue("--durability", out var durability))
        {
            store.Durability = Enum.Parse<StoreDurability>(durability, ignoreCase: true);
        }

        var clientOptions = new RegistryClientOptions { UseCredentialFiles = false, UseRegistriesConf = false };
        if (options.TryGetValue("--max-retry", out var maxRetry))
        {
            clientOptions.MaxRetry = int.Parse(maxRetry, CultureInfo.InvariantCulture);
        }

        if (options.TryGetValue("--read-idle-ms", out var idle))
        {
            clientOptions.ReadIdleTimeout = TimeSpan.FromMilliseconds(int.Parse(idle, CultureInfo.InvariantCulture));
        }

        if (options.ContainsKey("--remove"))
        {
            Console.WriteLine("done removed=" + store.Remove(args[1]));
            return 0;
        }

        if (options.TryGetValue("--pack", out var source))
        {
            return await PackAsync(store, source, args[1], options);
        }

        var verbose = options.ContainsKey("--log");
        if (verbose)
        {
            clientOptions.Log = line => Console.WriteLine("log " + line);
        }

        PullStage? pauseAt = options.TryGetValue("--pause-at", out var stage) ? Enum.Parse<PullStage>(stage, ignoreCase: true) : null;
        var pullOptions = new PullOptions
        {
            Progress = new LineProgress(pauseAt),
            Log = verbose ? line => Console.WriteLine("log " + line) : null,
        };
        if (options.TryGetValue("--concurrency", out var concurrency))
        {
            pullOptions.Concurrency = int.Parse(concurrency, CultureInfo.InvariantCulture);
        }

        if (options.TryGetValue("--connections-per-blob", out var connections))
        {
            pullOptions.ConnectionsPerBlob = int.Parse(connections, CultureInfo.InvariantCulture);
        }

        if (options.TryGetValue("--part-mib", out var partMib))
        {
            pullOptions.PartSize = long.Parse(partMib, CultureInfo.InvariantCulture) * 1024 * 1024;
        }

        Console.WriteLine($"start pid={Environment.ProcessId} hwm={PeakKilobytes()}");
        using var client = new RegistryClient(clientOptions);
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await store.PullAsync(client, ModelReference.Parse(args[1]), pullOptions);
            clock.Stop();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"done digest={result.Artifact.Digest} bytes={result.BytesDownloaded} blobs={result.BlobsDownloaded} uptodate={result.UpToDate} ms={clock.Elapsed.TotalMilliseconds:0.0} hwm={PeakKilobytes()}"));
            return 0;
        }
        catch (ModelPackException ex)
        {
            Console.WriteLine($"error {ex.ErrorId} {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    private static async Task<int> PackAsync(ModelStore store, string source, string reference, Dictionary<string, string> options)
    {
        PackStage? pauseAt = options.TryGetValue("--pause-at", out var stage) ? Enum.Parse<PackStage>(stage, ignoreCase: true) : null;
        var request = new PackRequest(source, ModelReference.Parse(reference));
        if (options.ContainsKey("--log"))
        {
            request.Log = line => Console.WriteLine("log " + line);
        }

        Console.WriteLine($"start pid={Environment.ProcessId} hwm={PeakKilobytes()}");
        try
        {
            var result = await ModelPacker.PackAsync(request, store, new LinePackProgress(pauseAt));
            Console.WriteLine($"done digest={result.Artifact.Digest} bytes={result.BytesRead}");
            return 0;
        }
        catch (ModelPackException ex)
        {
            Console.WriteLine($"error {ex.ErrorId} {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    /// <summary>Prints <c>paused STAGE</c> and waits for a line on stdin (for good when stdin ends).</summary>
    private static void Pause(string stage)
    {
        Console.WriteLine("paused " + stage);
        if (Console.In.ReadLine() is null)
        {
            Thread.Sleep(Timeout.Infinite);
        }
    }

    private static Dictionary<string, string> Options(string[] args, int start)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = start; i < args.Length; i++)
        {
            if (args[i] is "--log" or "--remove")
            {
                options[args[i]] = "true";
            }
            else if (i + 1 < args.Length)
            {
                options[args[i]] = args[++i];
            }
            else
            {
                throw new ArgumentException("Missing value for " + args[i]);
            }
        }

        return options;
    }

    /// <summary>Peak resident set (VmHWM) of this process in KiB, from /proc; -1 where there is none.</summary>
    private static long PeakKilobytes()
    {
        const string Status = "/proc/self/status";
        if (!File.Exists(Status))
        {
            return -1;
        }

        foreach (var line in File.ReadLines(Status))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Substring(6).Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    private sealed class LineProgress : IProgress<PullProgress>
    {
        private PullStage? _pauseAt;

        public LineProgress(PullStage? pauseAt) => _pauseAt = pauseAt;

        public void Report(PullProgress value)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress {value.Stage} {value.ArtifactBytesDone} {value.ArtifactBytesTotal}"));
            if (value.Stage == _pauseAt)
            {
                _pauseAt = null;
                Pause(value.Stage.ToString());
            }
        }
    }

    /// <summary>Pack progress as <c>progress STAGE BYTESDONE BYTESTOTAL</c>; pauses the first time <c>pauseAt</c> is reported.</summary>
    private sealed class LinePackProgress : IProgress<PackProgress>
    {
        private PackStage? _pauseAt;

        public LinePackProgress(PackStage? pauseAt) => _pauseAt = pauseAt;

        public void Report(PackProgress value)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress {value.Stage} {value.BytesDone} {value.BytesTotal}"));
            if (value.Stage == _pauseAt)
            {
                _pauseAt = null;
                Pause(value.Stage.ToString());
            }
        }
    }
}
