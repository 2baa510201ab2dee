using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;

namespace ModelPack.Core.Tests.Layout;

public sealed class FileLockTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_held_lock_times_out_with_StoreLocked_and_is_free_after_Dispose()
    {
        var path = _temp.Sub("x.lock");
        var held = FileLock.Acquire(path, TimeSpan.Zero);
        Assert.Equal(path, held.Path);

        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<ModelPackException>(() => FileLock.Acquire(path, TimeSpan.FromMilliseconds(300)));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(250), $"gave up after {clock.Elapsed}");
        Assert.Equal(ErrorIds.StoreLocked, ex.ErrorId);
        Assert.Equal(ErrorKind.ResourceUnavailable, ex.Kind);
        Assert.Equal(path, ex.Target);

        held.Dispose();
        using var again = FileLock.Acquire(path, TimeSpan.Zero);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task A_waiter_gets_the_lock_when_the_holder_releases_it()
    {
        var path = _temp.Sub("x.lock");
        var held = FileLock.Acquire(path, TimeSpan.Zero);

        var waiter = Task.Run(() => FileLock.Acquire(path, TimeSpan.FromSeconds(10)));
        await Task.Delay(150);
        Assert.False(waiter.IsCompleted);
        held.Dispose();

        using var acquired = await waiter.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(path, acquired.Path);
    }

    [Fact]
    public async Task Waiting_can_be_cancelled()
    {
        var path = _temp.Sub("x.lock");
        using var held = FileLock.Acquire(path, TimeSpan.Zero);
        using var cancel = new CancellationTokenSource();

        var waiter = Task.Run(() => FileLock.Acquire(path, Timeout.InfiniteTimeSpan, cancel.Token));
        await Task.Delay(100);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void A_lock_held_by_another_process_blocks_until_that_process_dies()
    {
        var path = _temp.Sub("index.json.lock");
        File.WriteAllText(path, string.Empty);
        var ready = _temp.Sub("ready");

        // util-linux flock(1) takes the same flock(2) lock .NET uses for FileShare.None on Unix.
        var start = new ProcessStartInfo("/usr/bin/flock") { UseShellExecute = false };
        foreach (var arg in new[] { "--exclusive", path, "sh", "-c", $"touch '{ready}'; exec sleep 60" })
        {
            start.ArgumentList.Add(arg);
        }

        using var holder = Process.Start(start)!;
        try
        {
            var wait = Stopwatch.StartNew();
            while (!File.Exists(ready) && wait.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(10);
            }

            Assert.True(File.Exists(ready), "flock did not take the lock");
            var ex = Assert.Throws<ModelPackException>(() => FileLock.Acquire(path, TimeSpan.FromMilliseconds(200)));
            Assert.Equal(ErrorIds.StoreLocked, ex.ErrorId);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit(10_000);
        }

        using var acquired = FileLock.Acquire(path, TimeSpan.FromSeconds(5));
        Assert.Equal(path, acquired.Path);
    }

    [Fact]
    public void A_missing_directory_is_not_reported_as_contention()
    {
        var path = Path.Combine(_temp.Sub("no-such-dir"), "x.lock");

        Assert.Throws<DirectoryNotFoundException>(() => FileLock.Acquire(path, TimeSpan.FromSeconds(5)));
    }
}
