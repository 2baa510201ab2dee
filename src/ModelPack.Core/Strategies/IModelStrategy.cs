using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Mounts;
using ModelPack.Core.References;

namespace ModelPack.Core.Strategies;

/// <summary>
/// One way of getting a model onto this machine and into a container: where it is stored (podman's artifact
/// store, podman's image store, or ModelPack's own store), how it is pulled, listed and removed there, and
/// the mounts that show it to a container.
/// </summary>
public interface IModelStrategy
{
    StrategyName Name { get; }

    /// <summary>Pulls the model into this strategy's store and returns it as stored.</summary>
    /// <exception cref="Errors.ModelPackException">StrategyUnavailable, ContainerEngineFailed, NotAModelArtifact, ModelSpecViolation, or a registry or store failure.</exception>
    Task<ModelArtifact> PullAsync(ModelReference reference, PullContext context, CancellationToken cancellationToken);

    /// <summary>Whether this strategy's store holds the reference.</summary>
    Task<bool> ExistsAsync(ModelReference reference, CancellationToken cancellationToken);

    /// <summary>The stored artifact for the reference, or null.</summary>
    Task<ModelArtifact?> FindAsync(ModelReference reference, CancellationToken cancellationToken);

    /// <summary>Every model this strategy's store holds, with <see cref="ModelArtifact.Strategy"/> set to <see cref="Name"/>.</summary>
    Task<IReadOnlyList<ModelArtifact>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Removes the reference from this strategy's store; false when the store did not hold it.</summary>
    Task<bool> RemoveAsync(ModelReference reference, CancellationToken cancellationToken);

    /// <summary>Removes a listed artifact by the name its store knows it by; false when it was already gone.</summary>
    Task<bool> RemoveAsync(ModelArtifact artifact, CancellationToken cancellationToken);

    /// <summary>The mounts that show a stored artifact of this strategy under <see cref="MountOptions.Destination"/>.</summary>
    /// <exception cref="ArtifactNotMountableException">This strategy cannot show this artifact's layout (podman artifact mounts and tar layers).</exception>
    /// <exception cref="Errors.ModelPackException">ModelArtifactNotInStore, UnmountablePath, PathNotFound, StrategyUnavailable.</exception>
    IReadOnlyList<ModelMount> Mounts(ModelArtifact artifact, MountOptions options);

    /// <summary>
    /// <see cref="Mounts"/>, plus what only the store can tell (for an image without labels, PodmanImage looks inside
    /// the stored image for its main weight file, to set <see cref="ModelMount.EntryPath"/>). What the chain and the
    /// cmdlets call.
    /// </summary>
    /// <exception cref="ArtifactNotMountableException">As <see cref="Mounts"/>.</exception>
    /// <exception cref="Errors.ModelPackException">As <see cref="Mounts"/>.</exception>
    Task<IReadOnlyList<ModelMount>> MountsAsync(ModelArtifact artifact, MountOptions options, CancellationToken cancellationToken);
}
