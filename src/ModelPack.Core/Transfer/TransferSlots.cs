using System;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Transfer;

/// <summary>
/// The connections one copy may have open at once (<see cref="CopyOptions.Concurrency"/>). Every blob being
/// copied holds one; a blob fetched in parts takes more only when one is free at that moment
/// (<see cref="TryTake"/>), and gives each back after one part. Blobs waiting for a slot are queued first
/// (<see cref="SemaphoreSlim"/> hands a released slot to the oldest waiter), so a large blob uses the whole
/// allowance only while nothing else waits.
/// </summary>
internal sealed class TransferSlots : IDisposable
{
    private readonly SemaphoreSlim _gate;

    public TransferSlots(int count) => _gate = new SemaphoreSlim(Math.Max(1, count));

    /// <summary>Slots that no blob or part holds and nobody waits for.</summary>
    public int Free => _gate.CurrentCount;

    public Task WaitAsync(CancellationToken cancellationToken) => _gate.WaitAsync(cancellationToken);

    /// <summary>Takes a slot if one is free now, without waiting.</summary>
    public bool TryTake() => _gate.Wait(0);

    public void Release() => _gate.Release();

    public void Dispose() => _gate.Dispose();
}
