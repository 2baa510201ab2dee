using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Internal;

/// <summary>
/// Runs Core work on the thread pool while the pipeline thread drains what the work posts
/// (progress, verbose lines): cmdlets may only call WriteProgress, WriteVerbose and friends from
/// the pipeline thread, but Core reports from download threads. One pump per operation.
/// </summary>
internal sealed class PipelinePump : IDisposable
{
    private static readonly TimeSpan IdleInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(2);
    private readonly BlockingCollection<Action> _queue = new();
    private Task? _work; // completes after the queue is closed

    /// <summary>Queues an action for the pipeline thread; from any thread. Dropped once the work has finished.</summary>
    public void Post(Action action)
    {
        try
        {
            _queue.Add(action);
        }
        catch (InvalidOperationException)
        {
            // The operation already finished (a late log line from abandoned work); also covers ObjectDisposedException.
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> and executes posted actions on the calling (pipeline) thread
    /// until it ends, calling <paramref name="idle"/> at least every 100 ms (to flush throttled
    /// progress). Returns the work's result or rethrows its exception. When
    /// <paramref name="cancellationToken"/> fires (StopProcessing), the work is cancelled, given a
    /// short grace period, and PipelineStoppedException is thrown without waiting longer.
    /// </summary>
    public T Run<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken, Action? idle = null)
    {
        var task = Task.Run(() => work(cancellationToken), CancellationToken.None);
        _work = task.ContinueWith(_ => _queue.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            while (!_queue.IsCompleted)
            {
                if (_queue.TryTake(out var action, (int)IdleInterval.TotalMilliseconds, cancellationToken))
                {
                    action();
                }

                idle?.Invoke();
            }

            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            try
            {
                task.Wait(StopGrace);
            }
            catch (AggregateException)
            {
                // The cancelled work's own exception: the stop is what the user asked for.
            }

            throw new PipelineStoppedException();
        }
        finally
        {
            if (!task.IsCompleted)
            {
                // Observe whatever the abandoned work throws later, so it is not an unobserved task exception.
                _ = task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    public void Dispose()
    {
        // Abandoned work still completes the queue when it ends; leave the queue to the GC then.
        if (_work is null || _work.IsCompleted)
        {
            _queue.Dispose();
        }
    }
}
