namespace ModelPack.Core.Registry;

/// <summary>What a manifest HEAD tells: the digest a tag points at, its media type and size.</summary>
internal sealed class ManifestInfo
{
    internal ManifestInfo(string digest, string mediaType, long size)
    {
        Digest = digest;
        MediaType = mediaType;
        Size = size;
    }

    public string Digest { get; }

    public string MediaType { get; }

    /// <summary>Size in bytes; -1 when the registry did not say.</summary>
    public long Size { get; }

    /// <summary>The manifest itself, when the registry sent no digest with its HEAD answer and it was read instead.</summary>
    internal FetchedManifest? Fetched { get; set; }

    public override string ToString() => $"{MediaType} {Digest} ({Size} bytes)";
}
