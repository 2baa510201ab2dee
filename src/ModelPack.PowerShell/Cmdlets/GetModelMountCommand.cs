using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ModelPack.Completion;
using ModelPack.Core.Errors;
using ModelPack.Core.Mounts;
using ModelPack.Core.Mounts.Rendering;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Strategies;
using ModelPack.Internal;

namespace ModelPack.Cmdlets;

/// <summary>
/// The mounts that make a stored model visible inside a container, through the strategy chain: a read-only
/// bind of the local store's snapshot (HttpBind), an image mount (PodmanImage), or one artifact mount per
/// layer (PodmanArtifact); as objects, engine arguments, quadlet units or a Kubernetes fragment.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ModelMount", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(ModelMount), typeof(string), typeof(QuadletFile))]
public sealed class GetModelMountCommand : StrategyCmdlet
{
    private const string ReferenceSet = "Reference";
    private const string InputObjectSet = "InputObject";

    private StrategyName? _requested;
    private MountOptions? _options;
    private List<ModelArtifact>? _listing;

    [Parameter(ParameterSetName = ReferenceSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(StoreReferenceCompleter))]
    public string[] Reference { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ModelArtifact? InputObject { get; set; }

    /// <summary>Where the model appears inside the container.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = ContainerPath.DefaultDestination;

    [Parameter]
    public MountFormat As { get; set; } = MountFormat.Object;

    /// <summary>Which strategy's mount: Auto (default: MODELPACK_STRATEGY, the config file, else where the model is stored), PodmanArtifact, PodmanImage or HttpBind.</summary>
    [Parameter]
    [StrategyNameTransformation]
    public StrategyName Strategy { get; set; } = StrategyName.Auto;

    /// <summary>podman, docker, none, auto, or a path to a podman or docker executable: the engine whose syntax the mounts use.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Engine { get; set; }

    protected override void BeginProcessing()
    {
        try
        {
            Destination = ContainerPath.NormalizeDestination(Destination);
        }
        catch (ModelPackException ex)
        {
            ThrowModelPackError(ex, Destination);
        }

        // A fresh kind cache: mounting never asks a registry, so only the local stores may answer.
        OpenChain(Engine, new ReferenceKindCache());
        _requested = RequestedStrategy(Strategy);
        EnsureEngineSupports(_requested);
        _options = new MountOptions(Chain.Engine, Destination);
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            MountArtifact(InputObject!);
            return;
        }

        foreach (var value in Reference)
        {
            if (Digest.TryParse(value, out _))
            {
                // A manifest digest names whatever is stored with it, in any store.
                var stored = _listing ??= ListEach(Chain.Stores);
                foreach (var artifact in Resolve(stored, value, DescribeStores(Chain.Stores), "Run Save-ModelArtifact to download it first.", allowPatterns: false).GroupBy(a => a.Reference).Select(g => g.First()))
                {
                    MountArtifact(artifact);
                }

                continue;
            }

            var reference = ParseReferenceOrWriteError(value);
            if (reference is not null)
            {
                MountReference(value, reference);
            }
        }
    }

    private void MountArtifact(ModelArtifact artifact)
    {
        if (artifact.Strategy == "Layout")
        {
            // A layout's ref name is no registry reference, and its files are in no store a container can mount.
            WriteModelPackError(new ModelPackException(
                ErrorIds.ModelArtifactNotInStore,
                ErrorKind.InvalidArgument,
                $"'{artifact.Reference}' is in the OCI layout '{artifact.StorePath}', not in a store. Push it to a registry and save it with Save-ModelArtifact (for example through skopeo copy oci:LAYOUT:{artifact.Reference} docker://REGISTRY/...), then mount the stored copy.",
                artifact.Reference));
            return;
        }

        Emit(artifact.Reference, () => Run(token => Chain.MountAsync(artifact, _requested, _options!, null, token)));
    }

    private void MountReference(string value, ModelReference reference) =>
        Emit(value, () =>
        {
            try
            {
                return Run(token => Chain.MountAsync(reference, _requested, _options!, null, token));
            }
            catch (ModelPackException ex) when (ex.ErrorId == ErrorIds.ModelArtifactNotFound)
            {
                // No store holds it (mounting never asks the registry).
                throw new ModelPackException(
                    ErrorIds.ModelArtifactNotFound,
                    ErrorKind.ObjectNotFound,
                    $"No model artifact '{value}' in {DescribeStores(Chain.Stores)}. Run Save-ModelArtifact '{value}' to download it first.",
                    value,
                    ex);
            }
        });

    private void Emit(string target, Func<IReadOnlyList<ModelMount>> mount)
    {
        try
        {
            var mounts = mount();
            if (mounts.Count == 0)
            {
                WriteWarning($"'{target}' has no layers: there is nothing to mount.");
                return;
            }

            switch (As)
            {
                case MountFormat.Argument:
                    foreach (var argument in ArgumentRendering.Render(mounts))
                    {
                        WriteObject(argument);
                    }

                    break;
                case MountFormat.Quadlet:
                    foreach (var file in QuadletRendering.Render(mounts, Destination))
                    {
                        WriteObject(file);
                    }

                    break;
                case MountFormat.Kubernetes:
                    WriteObject(KubernetesRendering.Render(mounts, Destination));
                    break;
                default:
                    foreach (var m in mounts)
                    {
                        WriteObject(m);
                    }

                    break;
            }
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, target);
        }
    }
}
