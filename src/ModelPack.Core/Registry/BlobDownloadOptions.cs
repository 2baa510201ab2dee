using System;
using System.Security.Cryptography;

namespace ModelPack.Core.Registry;

/// <summary>How <see cref="RegistryClient.DownloadBlobAsync"/> starts and reports.</summary>
public sealed class BlobDownloadOptions
{
    /// <summary>
    /// Bytes the caller already has (a partial download); the request asks for the rest with a
    /// Range header and the new bytes are appended to the destination.
    /// </summary>
    public long Offset { get; set; }

    /// <summary>
    /// Required when <see cref="Offset"/> is above zero: a hash of the blob's digest algorithm that
    /// has already been fed the first <see cref="Offset"/> bytes. The client continues it and
    /// verifies the whole blob. It is consumed by the call.
    /// </summary>
    public IncrementalHash? PrefixHash { get; set; }

    /// <summary>Receives the number of the blob's bytes present so far (Offset included).</summary>
    public IProgress<long>? Progress { get; set; }
}
