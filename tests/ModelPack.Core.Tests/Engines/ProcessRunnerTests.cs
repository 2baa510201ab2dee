using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Engines;

public sealed class ProcessRunnerTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly FaultyEngines fakes = new();

    public static TheoryData<string, bool> Runners => new()
    {
        { "argument list (PowerShell 7 runtimes)", false },
        { "quoted argument string (.NET Framework path)", true },
    };

    [DescribedTheory]
    [MemberData(nameof(Runners))]
    public async Task Arguments_arrive_exactly_as_given_without_a_shell(string description, bool quoted)
    {
        _ = description;
        var echo = fakes.Script("echo-args", "for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done");
        string[] args =
        {
            "version", "--format", "{{json .Client}}", "", "two words", "quote\"inside", "trailing\\", "back\\\\slash\\\"q",
            "$HOME", "`id`", "a;b|c&d", "*", "tab\there", "ünï€ode", "'single'",
        };

        var result = await new ProcessRunner(quoted).RunAsync(echo, args, null, null, Generous, CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        var expected = string.Concat(Array.ConvertAll(args, a => "[" + a + "]\n"));
        Assert.Equal(expected, result.Stdout);
    }

    [Fact]
    public async Task Exit_code_and_both_streams_are_returned()
    {
        var script = fakes.Script("exits-3", "echo out; echo err >&2; exit 3");

        var result = await ProcessRunner.Instance.RunAsync(script, Array.Empty<string>(), null, null, Generous, CancellationToken.None);

        Assert.Equal(3, result.ExitCode);
        Assert.False(result.Succeeded);
        Assert.Equal("out\n", result.Stdout);
        Assert.Equal("err\n", result.Stderr);
    }

    [Fact]
    public async Task Stdin_is_written_and_closed()
    {
        var cat = fakes.Script("cat-input", "cat");

        var withInput = await ProcessRunner.Instance.RunAsync(cat, Array.Empty<string>(), "line one\nzweite Zeile ✓\n", null, Generous, CancellationToken.None);
        var withoutInput = await ProcessRunner.Instance.RunAsync(cat, Array.Empty<string>(), null, null, TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal("line one\nzweite Zeile ✓\n", withInput.Stdout);
        Assert.Equal(string.Empty, withoutInput.Stdout); // cat saw end of input at once instead of waiting for a terminal
    }

    [Fact]
    public async Task Environment_entries_are_added_and_null_entries_removed()
    {
        var script = fakes.Script("print-env", "echo \"added=${MODELPACK_TEST_ADDED:-unset} removed=${HOME:-unset}\"");
        var env = new Dictionary<string, string?> { ["MODELPACK_TEST_ADDED"] = "yes", ["HOME"] = null };

        var result = await ProcessRunner.Instance.RunAsync(script, Array.Empty<string>(), null, env, Generous, CancellationToken.None);

        Assert.Equal("added=yes removed=unset\n", result.Stdout);
    }

    [Fact]
    public async Task A_megabyte_on_stderr_before_stdout_does_not_deadlock()
    {
        // A runner reading stdout to the end before touching stderr would hang once the stderr pipe (64 KiB) filled.
        var script = fakes.Script("chatty", "head -c 1048576 /dev/zero | tr '\\0' e >&2; head -c 1048576 /dev/zero | tr '\\0' o");

        var result = await ProcessRunner.Instance.RunAsync(script, Array.Empty<string>(), null, null, TimeSpan.FromSeconds(20), CancellationToken.None);

        Assert.Equal(1048576, result.Stderr.Length);
        Assert.Equal(1048576, result.Stdout.Length);
        Assert.Equal(new string('o', 1048576), result.Stdout);
    }

    [Fact]
    public async Task Timeout_kills_the_fake_and_the_process_it_started()
    {
        var pids = Path.Combine(fakes.Bin, "pids");
        var sleeper = fakes.Script("sleeper", $"echo $$ > '{pids}'; sleep 60 & echo $! >> '{pids}'; wait");
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ModelPackException>(() =>
            ProcessRunner.Instance.RunAsync(sleeper, new[] { "arg" }, null, null, TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        Assert.Equal(ErrorIds.ProcessTimedOut, error.ErrorId);
        Assert.Equal(ErrorKind.OperationTimeout, error.Kind);
        Assert.Contains("within 1 s", error.Message);
        Assert.Contains("sleeper", error.Message);
        var started = File.ReadAllLines(pids);
        Assert.Equal(2, started.Length);
        foreach (var pid in started)
        {
            Assert.True(await ProcessState.EndsWithin(int.Parse(pid), TimeSpan.FromSeconds(5)), $"process {pid} still runs");
        }
    }

    [Fact]
    public async Task A_background_process_left_holding_stdout_does_not_hold_up_the_result()
    {
        var pids = Path.Combine(fakes.Bin, "pids");
        var script = fakes.Script("leaves-helper", $"sleep 30 & echo $! > '{pids}'; echo done; exit 4");
        var watch = Stopwatch.StartNew();
        try
        {
            var result = await ProcessRunner.Instance.RunAsync(script, Array.Empty<string>(), null, null, TimeSpan.FromSeconds(20), CancellationToken.None);

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
            Assert.Equal(4, result.ExitCode);
            Assert.Equal("done\n", result.Stdout);
        }
        finally
        {
            Process.GetProcessById(int.Parse(File.ReadAllText(pids).Trim())).Kill();
        }
    }

    [Fact]
    public async Task Cancellation_kills_the_fake_and_throws_OperationCanceled()
    {
        var pids = Path.Combine(fakes.Bin, "pids");
        var sleeper = fakes.Script("sleeper", $"echo $$ > '{pids}'; sleep 60 & echo $! >> '{pids}'; wait");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ProcessRunner.Instance.RunAsync(sleeper, Array.Empty<string>(), null, null, Generous, cancel.Token));

        foreach (var pid in File.ReadAllLines(pids))
        {
            Assert.True(await ProcessState.EndsWithin(int.Parse(pid), TimeSpan.FromSeconds(5)), $"process {pid} still runs");
        }
    }

    [Fact]
    public async Task A_missing_program_is_ProcessStartFailed_ObjectNotFound()
    {
        var missing = Path.Combine(fakes.Bin, "no-such-podman");

        var error = await Assert.ThrowsAsync<ModelPackException>(() =>
            ProcessRunner.Instance.RunAsync(missing, new[] { "version" }, null, null, Generous, CancellationToken.None));

        Assert.Equal(ErrorIds.ProcessStartFailed, error.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Equal(missing, error.Target);
        Assert.Contains("no-such-podman", error.Message);
    }

    [Fact]
    public async Task A_file_without_execute_permission_is_ProcessStartFailed_PermissionDenied()
    {
        var script = fakes.Script("not-executable", "exit 0");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var error = await Assert.ThrowsAsync<ModelPackException>(() =>
            ProcessRunner.Instance.RunAsync(script, Array.Empty<string>(), null, null, Generous, CancellationToken.None));

        Assert.Equal(ErrorIds.ProcessStartFailed, error.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
    }

    [Fact]
    public async Task A_zero_timeout_is_rejected()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            ProcessRunner.Instance.RunAsync("/bin/true", Array.Empty<string>(), null, null, TimeSpan.Zero, CancellationToken.None));
    }

    public void Dispose() => fakes.Dispose();
}
