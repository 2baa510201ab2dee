using System;
using System.Collections.Generic;
using ModelPack.Core.Registry;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Strategies;

/// <summary>What a pull needs besides the reference: the registry client and the caller's wishes.</summary>
public sealed class PullContext
{
    /// <summary>The built-in registry client (HttpBind, and reference-kind lookups). Required for HttpBind.</summary>
    public RegistryClient? Client { get; set; }

    /// <summary>Force, concurrency, progress and log for the built-in client; Force also re-pulls through podman.</summary>
    public PullOptions Options { get; set; } = new();

    /// <summary>
    /// An explicit credential for podman pulls. Podman gets it in a temporary auth file (mode 0600, removed
    /// afterwards) named by <c>--authfile</c>, never on its command line. The built-in client takes
    /// credentials through <see cref="RegistryClientOptions.Credentials"/>.
    /// </summary>
    public RegistryCredential? Credential { get; set; }

    /// <summary>Registries (host[:port]) the user allows without TLS verification: podman pulls them with <c>--tls-verify=false</c>.</summary>
    public ICollection<string> InsecureRegistries { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>What the reference is, when already known; HttpBind otherwise tries an artifact first, then an image.</summary>
    public ReferenceKind? Kind { get; set; }

    /// <summary>
    /// Told the strategy chosen for the reference and what the reference turned out to be, before the pull starts
    /// (Save-ModelArtifact shows a progress record for an engine's pull, which reports no bytes).
    /// </summary>
    public Action<StrategySelection, ReferenceKindInfo>? Selected { get; set; }

    /// <summary>The registry answer the kind was decided on: the built-in pull goes on with it instead of asking again.</summary>
    internal ManifestAnswer? Answer { get; set; }

    internal Action<string>? Log => Options.Log;
}
