using System;
using System.Collections.Generic;
using ModelPack.Core.Registry;

namespace ModelPack.Core.Packing;

/// <summary>How <see cref="ModelPublisher.PublishAsync(Store.ModelStore, ModelArtifact, References.ModelReference?, RegistryClient, PublishOptions?, System.Threading.CancellationToken)"/> pushes.</summary>
public sealed class PublishOptions
{
    /// <summary>Bytes per PATCH of a chunked upload (default 16 MiB).</summary>
    public long ChunkSize { get; set; } = UploadSettings.DefaultChunkSize;

    /// <summary>Blobs of at most this many bytes go up in one PUT (default 16 MiB); larger ones in resumable chunks.</summary>
    public long MonolithicThreshold { get; set; } = UploadSettings.DefaultChunkSize;

    /// <summary>Blobs pushed at once (default 3).</summary>
    public int Concurrency { get; set; } = 3;

    /// <summary>
    /// Repositories of the destination registry that may already hold some blobs, to mount from. The
    /// artifact's own repository is tried too when it is on the same registry.
    /// </summary>
    public IList<string> MountFrom { get; } = new List<string>();

    /// <summary>How often an interrupted upload is resumed before the publish fails (default 3).</summary>
    public int ResumeAttempts { get; set; } = 3;

    /// <summary>Push the manifest even when the destination tag already names it.</summary>
    public bool Force { get; set; }

    /// <summary>Per-blob progress, reported from upload threads.</summary>
    public IProgress<PublishProgress>? Progress { get; set; }

    /// <summary>Verbose log lines (never secrets).</summary>
    public Action<string>? Log { get; set; }

    internal UploadSettings Upload() => new() { ChunkSize = ChunkSize, MonolithicThreshold = MonolithicThreshold, ResumeAttempts = ResumeAttempts };
}
