using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Registry;

/// <summary>
/// The registry's first answer for a reference in one pull: the manifest or index it served for the tag (or
/// digest), and once followed (by digest), the image manifest it leads to. The reference's kind is decided on
/// it and the pull carries it on, so a tag that moves in between cannot make the two disagree.
/// </summary>
internal sealed class ManifestAnswer
{
    private ResolvedManifest? _resolved;

    public ManifestAnswer(string reference, FetchedManifest top, ResolvedManifest? resolved = null)
    {
        Reference = reference;
        Top = top;
        _resolved = resolved;
    }

    /// <summary>The tag or digest that was asked for.</summary>
    public string Reference { get; }

    /// <summary>What the registry served for it.</summary>
    public FetchedManifest Top { get; }

    /// <summary>The image manifest <see cref="Top"/> is or leads to; an index's entries are read by digest.</summary>
    public async Task<ResolvedManifest> ResolveAsync(RegistryRepository repository, CancellationToken cancellationToken) =>
        _resolved ??= await repository.ResolveAsync(Top, Reference, cancellationToken).ConfigureAwait(false);
}
