using System;
using System.Collections.Concurrent;

namespace ModelPack.Core.Tests.Support;

/// <summary>An IProgress that records reports synchronously (Progress&lt;T&gt; posts them later).</summary>
public sealed class SyncProgress<T> : IProgress<T>
{
    public ConcurrentQueue<T> Reports { get; } = new();

    public void Report(T value) => Reports.Enqueue(value);
}
