using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Engines;

/// <summary>
/// The real <see cref="IProcessRunner"/>: no shell, both output streams read concurrently (so a chatty
/// process cannot fill one pipe and stall), and on timeout or cancellation the whole process tree is
/// killed so no engine helper is left running.
/// </summary>
public sealed class ProcessRunner : IProcessRunner
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>After a kill, how long to wait for the pipes to close before giving up on the output.</summary>
    private static readonly TimeSpan DrainAfterKill = TimeSpan.FromSeconds(5);

    /// <summary>After the process exited, how long to keep reading output that a lingering descendant keeps open.</summary>
    private static readonly TimeSpan DrainAfterExit = TimeSpan.FromSeconds(2);

    public ProcessRunner()
        : this(forceQuotedArguments: false)
    {
    }

    /// <param name="forceQuotedArguments">Join arguments into one quoted string as on .NET Framework (tests cover that path with it).</param>
    internal ProcessRunner(bool forceQuotedArguments)
    {
        ForceQuotedArguments = forceQuotedArguments;
    }

    public static ProcessRunner Instance { get; } = new();

    internal bool ForceQuotedArguments { get; }

    public async Task<ProcessResult> RunAsync(
        string file,
        IReadOnlyList<string> args,
        string? stdin,
        IDictionary<string, string?>? env,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        CheckArguments(file, args, timeout);
        cancellationToken.ThrowIfCancellationRequested();
        using var process = new Process { StartInfo = CreateStartInfo(file, args, env), EnableRaisingEvents = true };
        var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult(true);
        Start(process, file, args);

        var stdout = new StreamCapture(process.StandardOutput);
        var stderr = new StreamCapture(process.StandardError);
        var input = WriteInputAsync(process, stdin);
        var drained = Task.WhenAll(stdout.Completion, stderr.Completion);

        using var timer = new CancellationTokenSource();
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            timer.CancelAfter(timeout);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (stop.Token.Register(() => stopped.TrySetResult(true)))
        {
            if (await Task.WhenAny(exited.Task, stopped.Task).ConfigureAwait(false) != exited.Task)
            {
                ProcessTree.Kill(process);
                await Task.WhenAny(Task.WhenAll(drained, input), Task.Delay(DrainAfterKill, CancellationToken.None)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                throw EngineErrors.TimedOut(file, args, timeout);
            }

            // The process has exited. Its pipes close when every holder exits, and a helper it left running
            // in the background (a podman pause process, say) can hold them for ever: read what is there.
            await Task.WhenAny(drained, stopped.Task, Task.Delay(DrainAfterExit, CancellationToken.None)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        await input.ConfigureAwait(false);
        return new ProcessResult(process.ExitCode, stdout.Text, stderr.Text);
    }

    private static void CheckArguments(string file, IReadOnlyList<string> args, TimeSpan timeout)
    {
        if (string.IsNullOrEmpty(file))
        {
            throw new ArgumentException("A program to run is required.", nameof(file));
        }

        if (args is null)
        {
            throw new ArgumentNullException(nameof(args));
        }

        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive or infinite.");
        }
    }

    private ProcessStartInfo CreateStartInfo(string file, IReadOnlyList<string> args, IDictionary<string, string?>? env)
    {
        var startInfo = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
        };
        CommandLine.SetArguments(startInfo, args, ForceQuotedArguments);
        if (env is not null)
        {
            foreach (var entry in env)
            {
                if (entry.Value is null)
                {
                    startInfo.Environment.Remove(entry.Key);
                }
                else
                {
                    startInfo.Environment[entry.Key] = entry.Value;
                }
            }
        }

        return startInfo;
    }

    private static void Start(Process process, string file, IReadOnlyList<string> args)
    {
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            // 2 is ENOENT on Unix and ERROR_FILE_NOT_FOUND on Windows; 13 EACCES and 5 ERROR_ACCESS_DENIED.
            var kind = ex.NativeErrorCode switch
            {
                2 => ErrorKind.ObjectNotFound,
                5 or 13 => ErrorKind.PermissionDenied,
                _ => ErrorKind.ResourceUnavailable,
            };
            throw EngineErrors.CannotStart(file, args, kind, ex);
        }
    }

    private static async Task WriteInputAsync(Process process, string? stdin)
    {
        try
        {
            if (!string.IsNullOrEmpty(stdin))
            {
                var bytes = Utf8.GetBytes(stdin);
                await process.StandardInput.BaseStream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
                await process.StandardInput.BaseStream.FlushAsync().ConfigureAwait(false);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The process exited (or closed its input) without reading everything; its exit code tells the story.
        }
        catch (ObjectDisposedException)
        {
            // Killed and disposed while writing.
        }
    }
}
