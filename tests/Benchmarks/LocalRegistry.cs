using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace ModelPack.Benchmarks;

/// <summary>A docker-registry (CNCF distribution) on 127.0.0.1 with filesystem storage under a directory; killed on dispose.</summary>
internal sealed partial class LocalRegistry : IDisposable
{
    private readonly Process _process;

    private LocalRegistry(Process process, string hostPort)
    {
        _process = process;
        HostPort = hostPort;
    }

    public string HostPort { get; }

    public static LocalRegistry Start(string directory)
    {
        Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, "config.yml");
        File.WriteAllText(config, string.Join("\n",
            "version: 0.1",
            "log:",
            "  level: info",
            "  accesslog:",
            "    disabled: true",
            "storage:",
            "  filesystem:",
            $"    rootdirectory: \"{Path.Combine(directory, "data")}\"",
            "http:",
            "  addr: 127.0.0.1:0",
            "  secret: modelpack-benchmark",
            string.Empty));
        var start = new ProcessStartInfo("docker-registry") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(config);
        var process = Process.Start(start) ?? throw new InvalidOperationException("docker-registry did not start");
        var address = new TaskCompletionSource<string>();
        var log = new StringBuilder();
        void OnLine(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
            }

            var m = Listening().Match(e.Data);
            if (m.Success)
            {
                address.TrySetResult(m.Groups[1].Value);
            }
        }

        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!address.Task.Wait(TimeSpan.FromSeconds(20)))
        {
            process.Kill();
            throw new InvalidOperationException("docker-registry did not report its address:\n" + log);
        }

        return new LocalRegistry(process, address.Task.Result);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"listening on (127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
