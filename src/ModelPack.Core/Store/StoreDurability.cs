namespace ModelPack.Core.Store;

/// <summary>When the blobs a pull writes are forced to disk (the <c>durability</c> setting).</summary>
public enum StoreDurability
{
    /// <summary>
    /// The pull does not wait for the disk: it records what it writes in the store's <c>unsynced/</c>
    /// journal, and a later store operation flushes it. A killed process loses nothing (the kernel
    /// holds its writes); after a power loss or kernel crash the journal shows a different boot, and
    /// the blobs it names are verified, and removed with their artifacts if damaged, before anything
    /// reads them. Needs a boot id (Linux); elsewhere the pull behaves as <see cref="Immediate"/>.
    /// </summary>
    Deferred,

    /// <summary>Every blob is flushed to disk (fsync) before it is published; the pull waits for the disk.</summary>
    Immediate,
}
