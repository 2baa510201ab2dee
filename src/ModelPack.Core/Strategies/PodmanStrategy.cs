using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Engines;
using ModelPack.Core.Mounts;
using ModelPack.Core.References;

namespace ModelPack.Core.Strategies;

/// <summary>
/// What the strategies over podman's stores (<see cref="PodmanArtifactStrategy"/>, <see cref="PodmanImageStrategy"/>)
/// do alike: a pull is one podman command (after removing the reference under Force) followed by a look-up,
/// removal is one podman command where "does not exist" means false, and a mount is of this strategy's own
/// artifact in podman's syntax. Each store supplies its commands and how it finds and mounts what it holds.
/// </summary>
public abstract class PodmanStrategy : IModelStrategy
{
    private protected PodmanStrategy(StrategyContext context, StrategyName name)
    {
        Session = context ?? throw new ArgumentNullException(nameof(context));
        Podman = new PodmanCommand(context, name);
        Name = name;
    }

    public StrategyName Name { get; }

    private protected StrategyContext Session { get; }

    private protected PodmanCommand Podman { get; }

    /// <summary>Whether this store can be used at all with the session's engine; when not, nothing is listed or removed.</summary>
    private protected abstract bool StoreAvailable { get; }

    public async Task<ModelArtifact> PullAsync(ModelReference reference, PullContext context, CancellationToken cancellationToken)
    {
        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        RequirePull();
        var name = reference.ToString();
        if (context.Options.Force)
        {
            await RemoveAsync(reference, cancellationToken).ConfigureAwait(false);
        }

        using (var pull = PodmanPullArguments.For(reference, context))
        {
            var args = new List<string>(PullCommand);
            args.AddRange(pull.Options);
            args.Add(name);
            context.Log?.Invoke("Running " + CommandLine.Display("podman", args));
            var result = await Podman.RunAsync(args, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw PodmanCommand.Failure(args, result, name);
            }
        }

        return await FindPulledAsync(reference, cancellationToken).ConfigureAwait(false);
    }

    public abstract Task<bool> ExistsAsync(ModelReference reference, CancellationToken cancellationToken);

    public abstract Task<ModelArtifact?> FindAsync(ModelReference reference, CancellationToken cancellationToken);

    public abstract Task<IReadOnlyList<ModelArtifact>> ListAsync(CancellationToken cancellationToken);

    public Task<bool> RemoveAsync(ModelReference reference, CancellationToken cancellationToken)
    {
        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        return RemoveAsync(reference.ToString(), cancellationToken);
    }

    public Task<bool> RemoveAsync(ModelArtifact artifact, CancellationToken cancellationToken)
    {
        if (artifact is null)
        {
            throw new ArgumentNullException(nameof(artifact));
        }

        return RemoveAsync(artifact.Reference, cancellationToken);
    }

    public IReadOnlyList<ModelMount> Mounts(ModelArtifact artifact, MountOptions options)
    {
        CheckMountable(artifact, options);
        return MountsOf(artifact, options);
    }

    public Task<IReadOnlyList<ModelMount>> MountsAsync(ModelArtifact artifact, MountOptions options, CancellationToken cancellationToken)
    {
        CheckMountable(artifact, options);
        return MountsOfAsync(artifact, options, cancellationToken);
    }

    /// <summary>The artifact is this strategy's, and the mounts are asked for podman's syntax.</summary>
    private void CheckMountable(ModelArtifact artifact, MountOptions options)
    {
        if (artifact is null)
        {
            throw new ArgumentNullException(nameof(artifact));
        }

        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        StrategyArtifacts.RequireOwn(artifact, Name);
        StrategyArtifacts.RequirePodmanSyntax(options, Name);
    }

    /// <summary>Throws StrategyUnavailable unless the engine can pull into this store.</summary>
    private protected abstract void RequirePull();

    /// <summary>The podman arguments before the pull options and the reference (<c>pull --quiet</c>, <c>artifact pull</c>).</summary>
    private protected abstract IReadOnlyList<string> PullCommand { get; }

    /// <summary>The artifact a successful pull stored; throws when the store does not show it, or it is not a valid model.</summary>
    private protected abstract Task<ModelArtifact> FindPulledAsync(ModelReference reference, CancellationToken cancellationToken);

    /// <summary>The podman arguments that remove <paramref name="name"/> from this store.</summary>
    private protected abstract IReadOnlyList<string> RemoveCommand(string name);

    /// <summary>What to do when removal fails for another reason than the name being gone, or null.</summary>
    private protected virtual string? RemoveFailureHint => null;

    /// <summary>The mounts of an artifact already checked to be this strategy's own, for podman's syntax.</summary>
    private protected abstract IReadOnlyList<ModelMount> MountsOf(ModelArtifact artifact, MountOptions options);

    /// <summary><see cref="MountsOf"/>, plus what podman has to be asked (by default nothing).</summary>
    private protected virtual Task<IReadOnlyList<ModelMount>> MountsOfAsync(ModelArtifact artifact, MountOptions options, CancellationToken cancellationToken) =>
        Task.FromResult(MountsOf(artifact, options));

    private async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        if (!StoreAvailable)
        {
            return false;
        }

        var args = RemoveCommand(name);
        var result = await Podman.RunAsync(args, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return true;
        }

        if (PodmanArtifactInfo.SaysDoesNotExist(PodmanCommand.FirstErrorLine(result)))
        {
            return false;
        }

        throw PodmanCommand.Failure(args, result, name, RemoveFailureHint);
    }
}
