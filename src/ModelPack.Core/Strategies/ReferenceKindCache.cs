using System;
using System.Collections.Concurrent;

namespace ModelPack.Core.Strategies;

/// <summary>
/// What registries said references are, for the life of the process (one PowerShell session), so a reference
/// is looked up once however many cmdlets ask. Only registry answers are kept: local stores are asked every
/// time because pulls and removals change them.
/// </summary>
public sealed class ReferenceKindCache
{
    private readonly ConcurrentDictionary<string, ReferenceKindInfo> entries = new(StringComparer.Ordinal);

    public static ReferenceKindCache Session { get; } = new();

    public int Count => entries.Count;

    public void Clear() => entries.Clear();

    public bool Forget(string reference) => entries.TryRemove(reference, out _);

    internal bool TryGet(string reference, out ReferenceKindInfo info) => entries.TryGetValue(reference, out info!);

    internal void Store(ReferenceKindInfo info) => entries[info.Reference] = info;
}
