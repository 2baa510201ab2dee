using ModelPack.Core.Spec;

namespace ModelPack.Core.Store;

/// <summary>
/// What listing needs of one stored manifest, as read from its blobs: the manifest's bytes and its model config's
/// (null when the config is not a ModelPack config), each with the stamp its blob file had when it was read.
/// </summary>
internal sealed class ListedManifest
{
    public ListedManifest(string digest, byte[] manifest, BlobStamp manifestStamp)
    {
        Digest = digest;
        Manifest = manifest;
        ManifestStamp = manifestStamp;
    }

    /// <summary>The manifest digest (sha256), the key.</summary>
    public string Digest { get; }

    public byte[] Manifest { get; }

    public BlobStamp ManifestStamp { get; }

    public byte[]? Config { get; set; }

    public BlobStamp? ConfigStamp { get; set; }

    /// <summary>
    /// The manifest parsed from <see cref="Manifest"/> once its digest and its config's were checked, kept in memory
    /// only (ModelManifest is immutable; configs are parsed again for every listing, as callers may edit them).
    /// </summary>
    public ModelManifest? Checked { get; set; }
}
