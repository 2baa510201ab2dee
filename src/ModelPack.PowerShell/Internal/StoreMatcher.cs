using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ModelPack.Core.References;
using ModelPack.Core.Spec;

namespace ModelPack.Internal;

/// <summary>
/// Which stored artifacts a -Reference value names. A wildcard pattern matches the full reference
/// (<c>localhost:5000/models/tiny:v1</c>), its familiar form (<c>tiny:v1</c> for
/// <c>docker.io/library/tiny:v1</c>) or the manifest digest. A plain value is a reference,
/// normalised as a pull would (<c>models/tiny</c> means <c>docker.io/models/tiny:latest</c>), or a
/// manifest digest. A transport prefix (<c>docker://</c>, <c>oci://</c>, <c>rlcr://</c>) is taken off first, patterns included.
/// </summary>
internal static class StoreMatcher
{
    public static string FamiliarForm(ModelArtifact artifact) =>
        ModelReference.TryParse(artifact.Reference, out var parsed, out _) ? parsed!.ToFamiliarString() : artifact.Reference;

    /// <summary>
    /// Whether a value is a wildcard pattern. '*' and '?' never occur in references, but '[' does
    /// (IPv6 registries such as <c>[::1]:5000/models/tiny</c>), so a value that parses as a
    /// reference and has neither '*' nor '?' is taken literally.
    /// </summary>
    public static bool IsPattern(string value) =>
        WildcardPattern.ContainsWildcardCharacters(value) &&
        (value.IndexOf('*') >= 0 || value.IndexOf('?') >= 0 || !ModelReference.TryParse(value, out _, out _));

    public static IEnumerable<ModelArtifact> ByPattern(IEnumerable<ModelArtifact> stored, string pattern)
    {
        var wildcard = WildcardPattern.Get(ReferenceTransport.Strip(pattern), WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        return stored.Where(a => wildcard.IsMatch(a.Reference) || wildcard.IsMatch(FamiliarForm(a)) || wildcard.IsMatch(a.Digest));
    }

    /// <summary>Stored artifacts with this manifest digest, when <paramref name="value"/> is a digest; else null.</summary>
    public static IEnumerable<ModelArtifact>? ByDigest(IEnumerable<ModelArtifact> stored, string value) =>
        IsDigest(value, out var digest) ? stored.Where(a => string.Equals(a.Digest, digest.ToString(), StringComparison.Ordinal)) : null;

    /// <summary>
    /// Whether a value is a manifest digest of an algorithm the module knows (<c>sha256:...</c>). The digest grammar
    /// alone would also take a short name with a tag, <c>tiny:v1</c> (algorithm "tiny"), which is a reference.
    /// </summary>
    public static bool IsDigest(string value, out Digest digest) => Digest.TryParse(value, out digest) && digest.IsVerifiable;

    /// <summary>
    /// The stored artifacts a parsed reference names: those stored under exactly that name (<c>repo:tag</c>, or
    /// <c>repo@sha256:...</c> for one pulled by digest); when none is and the reference pins only a digest, those of
    /// that repository with that manifest digest under any tag.
    /// </summary>
    public static IEnumerable<ModelArtifact> ByReference(IEnumerable<ModelArtifact> stored, ModelReference reference)
    {
        var wanted = reference.ToString();
        var all = stored.ToList();
        var exact = all.Where(a => string.Equals(a.Reference, wanted, StringComparison.Ordinal)).ToList();
        if (exact.Count > 0 || reference.Digest is null || reference.Tag is not null)
        {
            return exact;
        }

        return all.Where(a =>
            string.Equals(a.Digest, reference.Digest, StringComparison.Ordinal) &&
            ModelReference.TryParse(a.Reference, out var parsed, out _) &&
            string.Equals(parsed!.Name, reference.Name, StringComparison.Ordinal)).ToList();
    }
}
