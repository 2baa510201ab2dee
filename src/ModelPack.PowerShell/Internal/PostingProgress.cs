using System;

namespace ModelPack.Internal;

/// <summary>An <see cref="IProgress{T}"/> that hands each report from a worker thread to the pipeline thread.</summary>
internal sealed class PostingProgress<T> : IProgress<T>
{
    private readonly Action<Action> _post;
    private readonly Action<T> _report;

    public PostingProgress(PipelinePump pump, Action<T> report)
        : this(pump.Post, report)
    {
    }

    /// <param name="post">Runs an action on the pipeline thread (a cmdlet's Post, which reaches the pump of its current Run).</param>
    public PostingProgress(Action<Action> post, Action<T> report)
    {
        _post = post;
        _report = report;
    }

    public void Report(T value) => _post(() => _report(value));
}
