using System;

namespace ModelPack.Core.Registry;

/// <summary>How a blob is uploaded (<see cref="BlobUpload"/>).</summary>
internal sealed class UploadSettings
{
    /// <summary>16 MiB: at least the 5 MiB minimum part of S3-backed registries, and little to re-send after an interruption.</summary>
    public const long DefaultChunkSize = 16L * 1024 * 1024;

    /// <summary>Bytes per PATCH of a chunked upload.</summary>
    public long ChunkSize { get; set; } = DefaultChunkSize;

    /// <summary>Blobs of at most this many bytes go up in one PUT; larger ones in chunks, which can resume.</summary>
    public long MonolithicThreshold { get; set; } = DefaultChunkSize;

    /// <summary>How often an interrupted upload is resumed (or restarted, when the registry lost it) before failing.</summary>
    public int ResumeAttempts { get; set; } = 3;

    /// <summary>Checks the settings; ArgumentOutOfRangeException names the one that is wrong.</summary>
    public void Validate()
    {
        if (ChunkSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkSize), "ChunkSize must be at least one byte.");
        }
    }
}
