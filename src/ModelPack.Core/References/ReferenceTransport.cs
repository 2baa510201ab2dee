using System;

namespace ModelPack.Core.References;

/// <summary>
/// The transport prefixes other tools write before a reference: skopeo's and podman's <c>docker://</c>, the
/// <c>oci://</c> some registries' docs use (both name a registry reference, nothing else), and ramalama's
/// <c>rlcr://NAME[:TAG]</c>, its registry <c>rlcr.io/ramalama/NAME[:TAG]</c>. The parser takes the reference after
/// the prefix (<see cref="Strip"/>), so a prefixed name is the same reference everywhere it is taken.
/// </summary>
public static class ReferenceTransport
{
    public const string Docker = "docker://";
    public const string Oci = "oci://";
    public const string Ramalama = "rlcr://";

    /// <summary>Where <c>rlcr://</c> names live.</summary>
    public const string RamalamaRegistry = "rlcr.io/ramalama/";

    /// <summary>The reference <paramref name="text"/> names without its transport prefix; the text itself when it has none.</summary>
    public static string Strip(string text) => Split(text, out _);

    /// <summary>
    /// The reference without its prefix, and the prefix as written (empty when none), so a completion can put the
    /// user's spelling back in front of what it completes.
    /// </summary>
    public static string Split(string text, out string prefix)
    {
        prefix = string.Empty;
        if (text is null)
        {
            return text!;
        }

        foreach (var transport in new[] { Docker, Oci })
        {
            if (text.StartsWith(transport, StringComparison.OrdinalIgnoreCase))
            {
                prefix = text.Substring(0, transport.Length);
                return text.Substring(transport.Length);
            }
        }

        if (text.StartsWith(Ramalama, StringComparison.OrdinalIgnoreCase))
        {
            prefix = text.Substring(0, Ramalama.Length);
            return RamalamaRegistry + text.Substring(Ramalama.Length);
        }

        return text;
    }

    /// <summary>The prefixed spelling of a reference that <see cref="Split"/> took <paramref name="prefix"/> off.</summary>
    public static string Join(string prefix, string reference)
    {
        if (prefix.Length == 0)
        {
            return reference;
        }

        return string.Equals(prefix, Ramalama, StringComparison.OrdinalIgnoreCase) && reference.StartsWith(RamalamaRegistry, StringComparison.Ordinal)
            ? prefix + reference.Substring(RamalamaRegistry.Length)
            : prefix + reference;
    }
}
