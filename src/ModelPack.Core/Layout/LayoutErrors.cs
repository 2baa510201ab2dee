using System;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Layout;

/// <summary>The exceptions an OCI layout reports, so every caller words them the same way.</summary>
internal static class LayoutErrors
{
    public static ModelPackException NotFound(string root, string message) =>
        new(ErrorIds.LayoutNotFound, ErrorKind.ObjectNotFound, message, root);

    public static ModelPackException Invalid(string root, string message, Exception? inner = null) =>
        new(ErrorIds.InvalidLayout, ErrorKind.InvalidData, message, root, inner);

    public static ModelPackException BlobNotFound(string root, string digest) =>
        new(ErrorIds.BlobNotFound, ErrorKind.ObjectNotFound, $"Blob {digest} is not in the OCI layout '{root}'. Pull the artifact again to restore it.", digest);

    public static ModelPackException DigestMismatch(string root, string expected, string actual) =>
        new(ErrorIds.DigestMismatch, ErrorKind.InvalidData, $"Blob {expected} in the OCI layout '{root}' is corrupt: its content hashes to {actual}. Remove the artifact and pull it again.", expected);

    public static ModelPackException SizeMismatch(string digest, string message) =>
        new(ErrorIds.SizeMismatch, ErrorKind.InvalidData, message, digest);

    public static ModelPackException ManifestTooLarge(string root, Descriptor descriptor, long limit) =>
        new(ErrorIds.ManifestTooLarge, ErrorKind.InvalidData, $"Manifest {descriptor.Digest} in the OCI layout '{root}' claims {descriptor.Size} bytes; manifests and indexes over {limit} bytes are refused.", descriptor.Digest);
}
