using System;
using System.Collections.Generic;

namespace ModelPack.Core.Registry;

/// <summary>How <see cref="RegistryClient.PushBlobAsync"/> uploads a blob.</summary>
public sealed class BlobPushOptions
{
    /// <summary>16 MiB: at least the 5 MiB minimum part of S3-backed registries, and little to re-send after an interruption.</summary>
    public const long DefaultChunkSize = 16L * 1024 * 1024;

    /// <summary>Bytes per PATCH of a chunked upload.</summary>
    public long ChunkSize { get; set; } = DefaultChunkSize;

    /// <summary>Blobs of at most this many bytes go up in one PUT; larger ones in chunks, which can resume.</summary>
    public long MonolithicThreshold { get; set; } = DefaultChunkSize;

    /// <summary>
    /// Other repositories of the same registry that may hold the blob: when one does (HEAD), the blob is
    /// mounted from there (<c>POST ...?mount=&amp;from=</c>) instead of uploaded.
    /// </summary>
    public IList<string> MountFrom { get; } = new List<string>();

    /// <summary>Bytes of the blob the registry has or is receiving, from the upload's thread.</summary>
    public IProgress<long>? Progress { get; set; }

    /// <summary>How often an interrupted upload is resumed (or restarted, when the registry lost it) before failing.</summary>
    public int ResumeAttempts { get; set; } = 3;

    /// <summary>An upload session an earlier, interrupted push left open: its status is asked and the upload continues there.</summary>
    public Uri? ResumeLocation { get; set; }

    /// <summary>Told the upload session's current URL after every step (to resume in a later run), and null once it is finished.</summary>
    public Action<Uri?>? LocationChanged { get; set; }
}
