using System;

namespace ModelPack.Core.References;

/// <summary>
/// Docker's normalisation of Docker Hub: <c>docker.io</c> is the name references, auth files and insecure lists
/// use, <c>index.docker.io</c> (the legacy name) and <c>registry-1.docker.io</c> (the API host) mean the same
/// registry, its API is served from registry-1.docker.io, and a one-component repository there is an official
/// image under <c>library/</c>.
/// </summary>
internal static class DockerHubNames
{
    public const string Name = "docker.io";
    public const string ApiHost = "registry-1.docker.io";
    public const string LegacyName = "index.docker.io";
    public const string OfficialPrefix = "library/";

    /// <summary>The key of a normalised <c>host[:port]</c>: Docker Hub's other names become docker.io.</summary>
    public static string Canonical(string key) =>
        string.Equals(key, LegacyName, StringComparison.Ordinal) || string.Equals(key, ApiHost, StringComparison.Ordinal)
            ? Name
            : key;

    /// <summary>The <c>host[:port]</c> the API of the registry <paramref name="key"/> is served from.</summary>
    public static string ApiAuthority(string key) => string.Equals(key, Name, StringComparison.Ordinal) ? ApiHost : key;

    /// <summary>"ubuntu" on Docker Hub is "library/ubuntu"; elsewhere a repository stays as written.</summary>
    public static string WithOfficialPrefix(string registry, string repository) =>
        string.Equals(registry, Name, StringComparison.Ordinal) && repository.IndexOf('/') < 0
            ? OfficialPrefix + repository
            : repository;

    /// <summary>The name as Docker shows it: without "docker.io/" and, for official images, "library/".</summary>
    public static string FamiliarName(string registry, string repository)
    {
        if (!string.Equals(registry, Name, StringComparison.Ordinal))
        {
            return registry + "/" + repository;
        }

        return repository.StartsWith(OfficialPrefix, StringComparison.Ordinal) && repository.IndexOf('/', OfficialPrefix.Length) < 0
            ? repository.Substring(OfficialPrefix.Length)
            : repository;
    }
}
