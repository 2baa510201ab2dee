using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// The ModelPack.PullAgent console program pulling one reference into a store (or packing a folder, with
/// <c>--pack</c>) in its own process (built by the test project's build). Lines it prints are collected; a
/// test can wait for one, kill the process (SIGKILL) or resume it at that point, or wait for it to finish.
/// Dispose kills it if still running.
/// </summary>
public sealed class PullAgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _newLine = new(0);
    private readonly StringBuilder _stderr = new();

    private PullAgentProcess(Process process)
    {
        _process = process;
    }

    public IReadOnlyCollection<string> Lines => _lines;

    public string Output => string.Join("\n", _lines) + (_stderr.Length > 0 ? "\nstderr: " + _stderr : string.Empty);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The agent's <c>done</c> line, or null.</summary>
    public string? DoneLine => _lines.FirstOrDefault(l => l.StartsWith("done ", StringComparison.Ordinal));

    public static PullAgentProcess Start(string store, string reference, params string[] options)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(AgentPath);
        start.ArgumentList.Add(store);
        start.ArgumentList.Add(reference);
        foreach (var option in options)
        {
            start.ArgumentList.Add(option);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var agent = new PullAgentProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                agent._exited.TrySetResult();
            }
            else
            {
                agent._lines.Enqueue(e.Data);
            }

            agent._newLine.Release();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (agent._stderr)
                {
                    agent._stderr.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    /// <summary>Waits for a line matching <paramref name="match"/>; fails with the output so far when the agent ends or time runs out.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_lines.FirstOrDefault(match) is string line)
            {
                return line;
            }

            if (_exited.Task.IsCompleted)
            {
                throw new InvalidOperationException("The pull agent ended without printing the expected line:\n" + Output);
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _newLine.WaitAsync(left))
            {
                throw new TimeoutException("The pull agent did not print the expected line in time:\n" + Output);
            }
        }
    }

    /// <summary>Bytes of the artifact done according to the latest progress line.</summary>
    public long BytesDone => _lines.Where(l => l.StartsWith("progress ", StringComparison.Ordinal)).Select(l => long.Parse(l.Split(' ')[2])).DefaultIfEmpty(0).Max();

    /// <summary>Lets an agent stopped by <c>--pause-at</c> go on.</summary>
    public void Resume()
    {
        _process.StandardInput.WriteLine("resume");
        _process.StandardInput.Flush();
    }

    /// <summary>SIGKILL: no finally blocks, no flushing; the OS releases its locks.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The pull agent did not finish in time:\n" + Output);
        }

        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(5));
        return _process.ExitCode;
    }

    /// <summary>The value of <c>key=value</c> in the done line.</summary>
    public string Done(string key)
    {
        var line = DoneLine ?? throw new InvalidOperationException("The pull agent did not finish:\n" + Output);
        return line.Split(' ').Single(p => p.StartsWith(key + "=", StringComparison.Ordinal)).Substring(key.Length + 1);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _newLine.Dispose();
    }

    private static string AgentPath
    {
        get
        {
            // tests/ModelPack.Core.Tests/bin/<Configuration>/<tfm>/ -> tests/ModelPack.PullAgent/bin/<Configuration>/<tfm>/
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var tfm = here.Name;
            var configuration = here.Parent!.Name;
            var tests = here.Parent.Parent!.Parent!.Parent!.FullName;
            var path = Path.Combine(tests, "ModelPack.PullAgent", "bin", configuration, tfm, "ModelPack.PullAgent.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build tests/ModelPack.PullAgent first (the test project's build does).", path);
        }
    }
}
