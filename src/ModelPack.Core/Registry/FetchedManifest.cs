using System;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>A manifest or index as the registry served it: exact bytes, media type and verified digest.</summary>
internal sealed class FetchedManifest
{
    private readonly byte[] _bytes;

    internal FetchedManifest(byte[] bytes, string mediaType, string digest)
    {
        _bytes = bytes;
        MediaType = mediaType;
        Digest = digest;
    }

    /// <summary>From Content-Type, or the JSON <c>mediaType</c> when the server sent a generic type.</summary>
    public string MediaType { get; }

    /// <summary>The digest the bytes were verified against.</summary>
    public string Digest { get; }

    public long Size => _bytes.LongLength;

    /// <summary>True for an OCI image index or a Docker manifest list.</summary>
    public bool IsIndex => IsIndexMediaType(MediaType);

    internal byte[] RawBytes => _bytes;

    public byte[] ToBytes() => (byte[])_bytes.Clone();

    public Descriptor ToDescriptor() => new(MediaType, Digest, Size);

    internal static bool IsIndexMediaType(string? mediaType) =>
        string.Equals(mediaType, MediaTypes.OciIndex, StringComparison.Ordinal) ||
        string.Equals(mediaType, MediaTypes.DockerManifestList, StringComparison.Ordinal);

    public override string ToString() => $"{MediaType} {Digest} ({Size} bytes)";
}
