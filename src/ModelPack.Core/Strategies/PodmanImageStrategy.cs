using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Images;
using ModelPack.Core.Mounts;
using ModelPack.Core.References;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Strategies;

/// <summary>
/// Models packaged as ordinary container images, files under <c>/models</c>, kept in podman's image store:
/// <c>podman pull</c>, <c>podman image exists</c>, <c>podman image inspect</c>, <c>podman image rm</c>, and
/// <c>podman images --format json</c> to list the images whose labels mark them as models (see
/// <see cref="ModelImage"/>). The mount is <c>--mount=type=image,src=REF,destination=DEST,subpath=/models,rw=false</c>;
/// podman before 5.1 has no <c>subpath</c> (4.3.1 answers "subpath: invalid mount option"), so there the whole
/// image is mounted and the model is under <c>DEST/models</c>, which the EntryPath says. The EntryPath is the file
/// the image's labels name; an image without such labels is looked into (<c>podman image mount</c>, read, unmount)
/// for its main weight file, as HttpBind does with its snapshots.
/// </summary>
public sealed class PodmanImageStrategy : PodmanStrategy
{
    private const string SubPath = "/" + ModelImage.ModelsDirectory;
    private static readonly string[] QuietPull = { "pull", "--quiet" };

    public PodmanImageStrategy(StrategyContext context)
        : base(context, StrategyName.PodmanImage)
    {
    }

    private protected override bool StoreAvailable => Session.Engine.Kind == EngineKind.Podman && Session.Engine.IsUsable;

    private protected override IReadOnlyList<string> PullCommand => QuietPull;

    private protected override string RemoveFailureHint => "A container that uses the image keeps it: remove the container first.";

    public override async Task<bool> ExistsAsync(ModelReference reference, CancellationToken cancellationToken)
    {
        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        if (!StoreAvailable)
        {
            return false;
        }

        var args = new[] { "image", "exists", reference.ToString() };
        var result = await Podman.RunAsync(args, cancellationToken).ConfigureAwait(false);
        return result.ExitCode switch
        {
            0 => true,
            1 => false,
            _ => throw PodmanCommand.Failure(args, result, reference.ToString()),
        };
    }

    public override async Task<ModelArtifact?> FindAsync(ModelReference reference, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(reference, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var name = reference.ToString();
        var args = new[] { "image", "inspect", name };
        var result = await Podman.RunAsync(args, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw PodmanCommand.Failure(args, result, name);
        }

        var images = Parse(args, result.Stdout, name);
        if (images.Count == 0)
        {
            throw StrategyErrors.NoImageDescribed(name);
        }

        return ToArtifact(name, images[0]);
    }

    public override async Task<IReadOnlyList<ModelArtifact>> ListAsync(CancellationToken cancellationToken)
    {
        if (!StoreAvailable)
        {
            return Array.Empty<ModelArtifact>();
        }

        var args = new[] { "images", "--format", "json" };
        var result = await Podman.RunAsync(args, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw PodmanCommand.Failure(args, result, "podman images");
        }

        var models = new List<ModelArtifact>();
        foreach (var image in Parse(args, result.Stdout, "podman images"))
        {
            if (!image.IsModel)
            {
                continue;
            }

            if (image.Names.Count == 0)
            {
                Session.Log?.Invoke($"Skipping model image {image.Id}: it has no name to mount it by.");
                continue;
            }

            models.AddRange(image.Names.Select(n => ToArtifact(n, image)));
        }

        return models;
    }

    private protected override void RequirePull() => Podman.RequirePodman();

    private protected override async Task<ModelArtifact> FindPulledAsync(ModelReference reference, CancellationToken cancellationToken) =>
        await FindAsync(reference, cancellationToken).ConfigureAwait(false)
            ?? throw new ModelPackException(ErrorIds.ContainerEngineFailed, ErrorKind.InvalidOperation, $"podman pulled '{reference}' but 'podman image inspect' does not find it.", reference.ToString());

    private protected override IReadOnlyList<string> RemoveCommand(string name) => new[] { "image", "rm", name };

    private protected override IReadOnlyList<ModelMount> MountsOf(ModelArtifact artifact, MountOptions options) =>
        MountsOf(artifact, options, ModelImage.EntryPathFromLabels(artifact.Manifest.Annotations));

    private protected override async Task<IReadOnlyList<ModelMount>> MountsOfAsync(ModelArtifact artifact, MountOptions options, CancellationToken cancellationToken)
    {
        var relative = ModelImage.EntryPathFromLabels(artifact.Manifest.Annotations) ??
            await FindMainWeightFileAsync(artifact.Reference, cancellationToken).ConfigureAwait(false);
        return MountsOf(artifact, options, relative);
    }

    private ModelMount[] MountsOf(ModelArtifact artifact, MountOptions options, string? relative)
    {
        var destination = options.Destination;
        var subpath = options.Engine.SupportsImageSubpath;
        var modelRoot = subpath ? destination : destination + SubPath;
        var argument = $"--mount=type=image,{MountText.Field("src", artifact.Reference, artifact.Reference)},destination={destination}" + (subpath ? ",subpath=" + SubPath : string.Empty) + ",rw=false";
        var entryPath = relative is null ? null : modelRoot + "/" + relative;
        return new[]
        {
            new ModelMount(artifact.Reference, Name.ToString(), "podman", new MountSpec("image", artifact.Reference, destination, subpath ? SubPath : null), argument, entryPath),
        };
    }

    /// <summary>
    /// The largest weight file under the image's /models, relative to it: the image is mounted on the host
    /// (<c>podman image mount</c>, which needs root or <c>podman unshare</c>), walked and unmounted. Null (logged) when
    /// podman cannot mount it here, or there is no file.
    /// </summary>
    private async Task<string?> FindMainWeightFileAsync(string name, CancellationToken cancellationToken)
    {
        var args = new[] { "image", "mount", name };
        var mounted = await Podman.RunAsync(args, cancellationToken).ConfigureAwait(false);
        if (!mounted.Succeeded)
        {
            Session.Log?.Invoke($"No entry path for '{name}': its labels name no weight file, and podman cannot mount the image to look ({DisplayText.EscapeControls(PodmanCommand.FirstErrorLine(mounted))}).");
            return null;
        }

        try
        {
            var root = mounted.Stdout.Trim();
            return root.Length == 0 ? null : ModelImage.FindMainWeightFile(System.IO.Path.Combine(root, ModelImage.ModelsDirectory));
        }
        catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException)
        {
            Session.Log?.Invoke($"No entry path for '{name}': reading the mounted image failed ({ex.Message}).");
            return null;
        }
        finally
        {
            var unmount = new[] { "image", "unmount", name };
            var unmounted = await Podman.RunAsync(unmount, CancellationToken.None).ConfigureAwait(false);
            if (!unmounted.Succeeded)
            {
                Session.Log?.Invoke($"'podman image unmount {name}' failed: {DisplayText.EscapeControls(PodmanCommand.FirstErrorLine(unmounted))}.");
            }
        }
    }

    private ModelArtifact ToArtifact(string name, PodmanImageInfo image) =>
        ModelArtifact.InEngineStore(name, image.Describe(), Name.ToString(), image.Digest, image.Size);

    private static IReadOnlyList<PodmanImageInfo> Parse(IReadOnlyList<string> args, string stdout, string target)
    {
        try
        {
            return PodmanImageInfo.ParseArray(stdout);
        }
        catch (JsonException ex)
        {
            throw StrategyErrors.UnreadableOutput(DisplayText.Quote(CommandLine.Display("podman", args)), ex.Message, target, ex);
        }
    }
}
