using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace ModelPack.Core.Spec;

/// <summary>An OCI content digest, <c>algorithm:encoded</c>. Only the algorithms of <see cref="DigestAlgorithm"/> are verifiable.</summary>
public readonly struct Digest : IEquatable<Digest>
{
    private Digest(string algorithm, string encoded)
    {
        Algorithm = algorithm;
        Encoded = encoded;
    }

    public string Algorithm { get; }

    public string Encoded { get; }

    public bool IsEmpty => Algorithm is null;

    public static Digest Parse(string value)
    {
        if (!TryParse(value, out var digest, out var error))
        {
            throw new FormatException(error);
        }

        return digest;
    }

    public static bool TryParse(string? value, out Digest digest) => TryParse(value, out digest, out _);

    /// <summary>Parses per the OCI image spec's digest grammar, with the registered algorithms' exact lengths.</summary>
    public static bool TryParse(string? value, out Digest digest, out string error)
    {
        digest = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "Digest is empty.";
            return false;
        }

        var colon = value!.IndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
        {
            error = $"Digest '{value}' is not of the form algorithm:hex.";
            return false;
        }

        var algorithm = value.Substring(0, colon);
        var encoded = value.Substring(colon + 1);
        foreach (var c in algorithm)
        {
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '_' || c == '-'))
            {
                error = $"Digest '{value}' has an invalid algorithm '{algorithm}'.";
                return false;
            }
        }

        if (DigestAlgorithm.Find(algorithm) is DigestAlgorithm known)
        {
            if (encoded.Length != known.HexLength || !IsLowerHex(encoded))
            {
                error = $"Digest '{value}' must have {known.HexLength} lowercase hex characters after '{algorithm}:'.";
                return false;
            }
        }
        else
        {
            foreach (var c in encoded)
            {
                if (!(char.IsLetterOrDigit(c) || c == '=' || c == '_' || c == '-') || c > 127)
                {
                    error = $"Digest '{value}' has an invalid encoded part.";
                    return false;
                }
            }
        }

        digest = new Digest(algorithm, encoded);
        error = string.Empty;
        return true;
    }

    public static Digest Sha256(byte[] data)
    {
        if (data is null)
        {
            throw new ArgumentNullException(nameof(data));
        }

        using var sha = DigestAlgorithm.Sha256.CreateHasher();
        sha.AppendData(data);
        return FromSha256Hash(sha.GetHashAndReset());
    }

    public static Digest Sha256(string text) => Sha256(Encoding.UTF8.GetBytes(text));

    public static Digest Sha256(Stream stream)
    {
        using var sha = SHA256.Create();
        return FromSha256Hash(sha.ComputeHash(stream));
    }

    public static Digest FromSha256Hash(byte[] hash) => new(DigestAlgorithm.Sha256.Name, ToLowerHex(hash));

    /// <summary>Whether the algorithm is one this module can verify (sha256, sha512).</summary>
    public bool IsVerifiable => DigestAlgorithm.Find(Algorithm) is not null;

    /// <summary>A hasher of this digest's algorithm, for verifying streamed content.</summary>
    public IncrementalHash CreateHasher() =>
        DigestAlgorithm.Find(Algorithm)?.CreateHasher() ?? throw new NotSupportedException($"Digest algorithm '{Algorithm}' cannot be verified.");

    public bool Matches(byte[] hash) => string.Equals(Encoded, ToLowerHex(hash), StringComparison.Ordinal);

    public override string ToString() => IsEmpty ? string.Empty : Algorithm + ":" + Encoded;

    public bool Equals(Digest other) =>
        string.Equals(Algorithm, other.Algorithm, StringComparison.Ordinal) &&
        string.Equals(Encoded, other.Encoded, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is Digest other && Equals(other);

    public override int GetHashCode() => IsEmpty ? 0 : StringComparer.Ordinal.GetHashCode(Encoded);

    public static bool operator ==(Digest left, Digest right) => left.Equals(right);

    public static bool operator !=(Digest left, Digest right) => !left.Equals(right);

    internal static string ToLowerHex(byte[] bytes)
    {
        var chars = new char[bytes.Length * 2];
        const string hex = "0123456789abcdef";
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[2 * i] = hex[bytes[i] >> 4];
            chars[(2 * i) + 1] = hex[bytes[i] & 0xF];
        }

        return new string(chars);
    }

    private static bool IsLowerHex(string s)
    {
        foreach (var c in s)
        {
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
