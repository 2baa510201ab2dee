using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;

namespace ModelPack.Core.Spec;

/// <summary>
/// The digest algorithms this module can verify, the one table of them: each registered algorithm's name, the
/// exact length of its lowercase hex encoding, and its hasher. Every allow-list, hex-length check and hasher
/// choice goes through it.
/// </summary>
internal sealed class DigestAlgorithm
{
    public static readonly DigestAlgorithm Sha256 = new("sha256", 64, HashAlgorithmName.SHA256);
    public static readonly DigestAlgorithm Sha512 = new("sha512", 128, HashAlgorithmName.SHA512);

    private readonly HashAlgorithmName _hash;

    private DigestAlgorithm(string name, int hexLength, HashAlgorithmName hash)
    {
        Name = name;
        HexLength = hexLength;
        _hash = hash;
    }

    /// <summary>Every verifiable algorithm, sha256 (the one this module writes) first.</summary>
    public static IReadOnlyList<DigestAlgorithm> All { get; } = new[] { Sha256, Sha512 };

    /// <summary>"sha256 and sha512", for messages.</summary>
    public static string Names { get; } = string.Join(" and ", All.Select(a => a.Name));

    /// <summary>The algorithm's name in a digest, e.g. "sha256".</summary>
    public string Name { get; }

    /// <summary>How many lowercase hex characters its encoded part has.</summary>
    public int HexLength { get; }

    /// <summary>The algorithm named <paramref name="name"/>, or null when it is not one this module can verify.</summary>
    public static DigestAlgorithm? Find(string? name) => All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.Ordinal));

    /// <summary>The algorithm whose hex encoding is <paramref name="length"/> characters long (a blob file's name), or null.</summary>
    public static DigestAlgorithm? ForHexLength(int length) => All.FirstOrDefault(a => a.HexLength == length);

    public IncrementalHash CreateHasher() => IncrementalHash.CreateHash(_hash);

    public override string ToString() => Name;
}
