using System;

namespace ModelPack.Internal;

/// <summary>An <see cref="IProgress{T}"/> that hands each report from a worker thread to the pipeline thread.</summary>
internal sealed class PostingProgress<T> : IProgress<T>
{
    private readonly PipelinePump _pump;
    private readonly Action<T> _report;

    public PostingProgress(PipelinePump pump, Action<T> report)
    {
        _pump = pump;
        _report = report;
    }

    public void Report(T value) => _pump.Post(() => _report(value));
}
