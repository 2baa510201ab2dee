using System;
using ModelPack.Cmdlets;

namespace ModelPack.Internal;

/// <summary>An <see cref="IProgress{T}"/> that hands each report from a worker thread to the pipeline thread.</summary>
internal sealed class PostingProgress<T> : IProgress<T>
{
    private readonly ModelPackCmdlet _cmdlet;
    private readonly Action<T> _report;

    public PostingProgress(ModelPackCmdlet cmdlet, Action<T> report)
    {
        _cmdlet = cmdlet;
        _report = report;
    }

    public void Report(T value) => _cmdlet.Post(() => _report(value));
}
