using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace ModelPack.Core.Registry;

/// <summary>
/// The shape of one registries.conf file (containers-registries.conf(5), version 2, and the deprecated
/// version 1 tables) as Tomlyn maps it. Keys it does not name are ignored, as podman ignores them; a
/// value of the wrong TOML type is an error with its line. Null means "not in this file", which matters
/// when files are merged.
/// </summary>
internal sealed class RegistriesConfDocument
{
    [JsonPropertyName("unqualified-search-registries")]
    public List<string>? UnqualifiedSearchRegistries { get; set; }

    [JsonPropertyName("short-name-mode")]
    public string? ShortNameMode { get; set; }

    [JsonPropertyName("credential-helpers")]
    public List<string>? CredentialHelpers { get; set; }

    [JsonPropertyName("additional-layer-store-auth-helper")]
    public string? AdditionalLayerStoreAuthHelper { get; set; }

    [JsonPropertyName("aliases")]
    public Dictionary<string, string>? Aliases { get; set; }

    [JsonPropertyName("registry")]
    public List<RegistryTable>? Registry { get; set; }

    /// <summary>Version 1: <c>[registries.search]</c>, <c>[registries.insecure]</c>, <c>[registries.block]</c>.</summary>
    [JsonPropertyName("registries")]
    public VersionOneTables? Registries { get; set; }

    internal sealed class RegistryTable
    {
        [JsonPropertyName("prefix")]
        public string? Prefix { get; set; }

        [JsonPropertyName("location")]
        public string? Location { get; set; }

        [JsonPropertyName("insecure")]
        public bool? Insecure { get; set; }

        [JsonPropertyName("blocked")]
        public bool? Blocked { get; set; }

        [JsonPropertyName("mirror-by-digest-only")]
        public bool? MirrorByDigestOnly { get; set; }

        [JsonPropertyName("mirror")]
        public List<MirrorTable>? Mirror { get; set; }
    }

    internal sealed class MirrorTable
    {
        [JsonPropertyName("location")]
        public string? Location { get; set; }

        [JsonPropertyName("insecure")]
        public bool? Insecure { get; set; }

        [JsonPropertyName("pull-from-mirror")]
        public string? PullFromMirror { get; set; }
    }

    internal sealed class VersionOneTables
    {
        [JsonPropertyName("search")]
        public VersionOneList? Search { get; set; }

        [JsonPropertyName("insecure")]
        public VersionOneList? Insecure { get; set; }

        [JsonPropertyName("block")]
        public VersionOneList? Block { get; set; }

        public bool IsEmpty => (Search?.Registries?.Count ?? 0) + (Insecure?.Registries?.Count ?? 0) + (Block?.Registries?.Count ?? 0) == 0;
    }

    internal sealed class VersionOneList
    {
        [JsonPropertyName("registries")]
        public List<string>? Registries { get; set; }
    }
}
